export {
  ChangeBus,
  type ChangeBusOptions,
  inProcessTransport,
  type LiveBusMetrics,
  type LiveTransport,
  TooManyConnectionsError,
} from './change-bus';
export { LiveConnection, type SubscribeOptions } from './live-connection';
export {
  isLiveMessage,
  type LiveMessage,
  type ProjectionStatusMessage,
  type ViewChangeMessage,
} from './live-message';
export { type CloseReason, closeReasons, LiveSubscription } from './live-subscription';
export { LiveModule } from './live.module';
export {
  formatSseEvent,
  pipeToSse,
  sharedFormat,
  type SseEvent,
  type SseOptions,
  SseStream,
} from './sse-stream';
export { changeMessage, ProjectionFeed, statusMessage } from './projection-feed';
export { LIVE_CHANNEL, RedisTransport } from './redis-transport';
export { LiveTopics, type LiveTopic, type LiveTopicName, routingKey, routingKeysOf } from './topics';
