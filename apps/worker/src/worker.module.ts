import { Module } from '@nestjs/common';
import { HealthModule, LoggingModule, ObservabilityModule } from '@shop/observability';
import { PlatformModule } from '@shop/platform';
import { WorkersModule } from '@shop/workers';

/**
 * The shop's background workers, run next to APIs started with RUN_WORKERS=false. Its HTTP port (WORKER_PORT)
 * serves only what operators need of it: /health/live, /health/ready and /metrics.
 */
@Module({ imports: [PlatformModule, LoggingModule, ObservabilityModule, WorkersModule, HealthModule] })
export class WorkerModule {}
