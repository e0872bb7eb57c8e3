import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { INTEGRATION_HOOKS, type IntegrationHooks } from '@shop/integration';
import { type BreakerListener, PAYMENT_BREAKER_LISTENER } from '@shop/payment-gateway';
import { EVENT_TRACER, type EventTracer } from '@shop/projections';
import { CommandInstrumentation } from './command-instrumentation';
import { Metrics } from './metrics';
import { MetricsAccessGuard } from './metrics-access.guard';
import { MetricsController } from './metrics.controller';
import { ReadinessIndicators } from './readiness';
import { withContinuedSpan } from './tracing';

/**
 * Metrics (GET /metrics and the Metrics service), command/append instrumentation and the readiness
 * indicators (request spans, metrics and log lines come from installHttpTelemetry's Fastify hooks). Tracing itself is process-wide: call initTracing() before creating the app.
 */
@Global()
@Module({
  imports: [TerminusModule],
  controllers: [MetricsController],
  providers: [
    Metrics,
    MetricsAccessGuard,
    CommandInstrumentation,
    ReadinessIndicators,
    // The payment client reports its circuit-breaker transitions here (shop_circuit_breaker_state).
    {
      provide: PAYMENT_BREAKER_LISTENER,
      inject: [Metrics],
      useFactory:
        (metrics: Metrics): BreakerListener =>
        (state) =>
          metrics.setBreakerState('payment', state),
    },
    // The integration events publisher: messages published, failed confirms, its breaker.
    {
      provide: INTEGRATION_HOOKS,
      inject: [Metrics],
      useFactory: (metrics: Metrics): IntegrationHooks => ({
        onPublished: (type) => metrics.recordIntegrationPublished(type),
        onConfirmFailed: () => metrics.recordIntegrationConfirmFailed(),
        onBreakerStateChange: (state) => metrics.setBreakerState('broker', state),
      }),
    },
    // Projections, the process manager and jobs continue the trace stored with each event.
    {
      provide: EVENT_TRACER,
      useValue: ((name, traceparent, fn) =>
        withContinuedSpan(name, traceparent, () => fn())) satisfies EventTracer,
    },
  ],
  exports: [Metrics, ReadinessIndicators, PAYMENT_BREAKER_LISTENER, INTEGRATION_HOOKS, EVENT_TRACER],
})
export class ObservabilityModule {}
