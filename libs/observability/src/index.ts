export { CommandInstrumentation } from './command-instrumentation';
export { installHttpTelemetry, requestSpan, traceparentOf } from './http-telemetry';
export { AppLogger, LoggingModule, loggerOptions } from './logging.module';
export { type LoggedRequest, logRequest } from './request-log';
export { type BreakerState, Metrics, type ProjectionGaugeInput, streamCategory } from './metrics';
export { MetricsAccessGuard } from './metrics-access.guard';
export { HealthController } from './health/health.controller';
export { HealthModule } from './health/health.module';
export { ObservabilityModule } from './observability.module';
export { ReadinessIndicators } from './readiness';
export {
  LIVE_UPDATES_STATUS,
  type LiveUpdatesStatus,
  RATE_LIMIT_STATUS,
  type RateLimitStatus,
} from './rate-limit-status';
export { reportStartupFailure, startupLogger, type StartupLogger } from './startup-logger';
export {
  addSpanExporter,
  contextFromTraceparent,
  currentTraceparent,
  flushTracing,
  initTracing,
  traceparentOfSpan,
  tracer,
  withContinuedSpan,
  withSpan,
} from './tracing';
export {
  type Dependency,
  DependencyUnavailableError,
  eventStoreProbe,
  mongoProbe,
  waitForDependencies,
} from './wait-for-dependencies';
