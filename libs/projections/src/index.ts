export { type Checkpoint, CHECKPOINTS, checkpointId, CheckpointStore } from './checkpoint-store';
export { physicalCollections } from './collections';
export { LEASES, LeaseLostError } from './lease';
export { PARKED, type ParkedEvent, type ParkedResolution, ParkedStore } from './parked-store';
export { comparePositions, formatPosition, hasReached, parsePosition } from './position';
export {
  DEFAULT_ENGINE_OPTIONS,
  type ProjectionEngineOptions,
  ProjectionManager,
  type ProjectionStatus,
  type VerifyReport,
} from './projection-manager';
export { type ViewDifference } from './view-diff';
export { type ProjectionState, ProjectionRunner, type RunnerStatus } from './projection-runner';
export { ProjectionsModule, type ProjectionsModuleOptions } from './projections.module';
export { type RebuildProgress } from './rebuild';
export { type ProcessorDefinition } from './event-processor';
export { PROCESSORS, PROJECTIONS } from './projection-manager';
export { EVENT_TRACER, type EventTracer } from './event-tracer';
export { type AheadOfLog, LogDivergence } from './log-divergence';
export {
  ChangeFeed,
  type CommittedChange,
  type ObservedStatus,
  PROJECTION_OBSERVER,
  type ProjectionObserver,
} from './change-feed';
