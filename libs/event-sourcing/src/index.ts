export { type Command, type CommandMetadata } from './command';
export { type Decider, type SnapshotPolicy, fold } from './decider';
export {
  ConcurrencyError,
  DomainError,
  type ErrorCategory,
  isDomainError,
  NotFoundError,
  RuleViolatedError,
  UnavailableError,
  UnprocessableError,
  ValidationError,
} from './errors';
export {
  buildEventMetadata,
  contextFromEvent,
  type DomainEvent,
  type EventMetadata,
  type EventMetadataInput,
  type LogPosition,
  type MessageContext,
  type StoredEvent,
} from './event';
// Test helpers are framework-free (node:assert), so exporting them here costs production code nothing.
export * from './testing';
export { UnknownSchemaVersionError, type Upcast, UpcasterRegistry } from './upcasting';
export {
  type CollectionSpec,
  type Doc,
  type IndexSpec,
  type ProjectionDefinition,
  type ProjectionWrite,
  type UpdateSpec,
  upsertById,
  type ViewChange,
} from './projection';
