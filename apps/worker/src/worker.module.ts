import { Module } from '@nestjs/common';
import { LiveModule } from '@shop/live';
import { HealthModule, LoggingModule, ObservabilityModule } from '@shop/observability';
import { PlatformModule } from '@shop/platform';
import { WorkersModule } from '@shop/workers';

/**
 * The shop's background workers, run next to APIs started with RUN_WORKERS=false. Its HTTP port (WORKER_PORT)
 * serves only what operators need of it: /health/live, /health/ready and /metrics. Its projections publish
 * live updates (LiveModule): with REDIS_URL they reach the APIs' subscribers.
 */
@Module({
  imports: [PlatformModule, LoggingModule, ObservabilityModule, LiveModule, WorkersModule, HealthModule],
})
export class WorkerModule {}
