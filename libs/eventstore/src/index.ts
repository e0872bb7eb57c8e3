export { type LoadedAggregate, type LoadOptions, NO_STREAM_REVISION } from './aggregate-loader';
export {
  AggregateStore,
  type AggregateStoreHooks,
  type CommandResult,
  type HandleOptions,
} from './aggregate-store';
export { type CommandStep, commandStep, CommandStepError } from './command-step';
export {
  EventStoreUnavailableError,
  type EventStoreUnavailableCode,
  ExpectedRevisionMismatchError,
  IdempotencyKeyReusedError,
  StreamContentionError,
  StreamDeletedError,
  toEventStoreError,
} from './errors';
export { EventSerializer } from './event-serializer';
export {
  createEventStoreServices,
  type EventStoreServices,
  type EventStoreSettings,
} from './eventstore-services';
export {
  EVENTSTORE_MODULE_OPTIONS,
  EventStoreModule,
  type EventStoreModuleAsyncOptions,
  type EventStoreModuleOptions,
} from './eventstore.module';
export { idempotentEventId } from './idempotency';
export {
  MultiStreamAppender,
  type MultiStreamAppendResult,
  type StreamAppend,
} from './multi-stream-appender';
export { defaultRetrySettings, type RetrySettings } from './retry-policies';
export { snapshotStreamName } from './snapshot-store';
export { type StateChange } from './state-diff';
export {
  type EventPage,
  type PointInHistory,
  type StateAt,
  type StateDiff,
  StreamInspector,
} from './stream-inspector';
export { streamName } from './stream-name';
export { scanAll } from './all-scan';
