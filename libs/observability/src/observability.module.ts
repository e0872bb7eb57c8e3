import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { CommandInstrumentation } from './command-instrumentation';
import { Metrics } from './metrics';
import { MetricsAccessGuard } from './metrics-access.guard';
import { MetricsController } from './metrics.controller';
import { ReadinessIndicators } from './readiness';
import { TraceContextInterceptor } from './trace-context.interceptor';

/**
 * Metrics (GET /metrics and the Metrics service), command/append instrumentation, request trace context and
 * the readiness indicators. Tracing itself is process-wide: call initTracing() before creating the app.
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
    { provide: APP_INTERCEPTOR, useClass: TraceContextInterceptor },
  ],
  exports: [Metrics, ReadinessIndicators],
})
export class ObservabilityModule {}
