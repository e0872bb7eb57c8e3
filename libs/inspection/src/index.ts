export { causationTree, renderTree, type TraceNode } from './causation-tree';
export { type EventSummary, summarize } from './event-summary';
export {
  AGGREGATE_RESOLVER,
  type AggregateResolver,
  InspectionService,
  type SearchCriteria,
} from './inspection.service';
