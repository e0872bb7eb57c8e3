import { Module } from '@nestjs/common';
import { LoggingModule, ObservabilityModule } from '@shop/observability';
import { PlatformModule } from '@shop/platform';
import { WorkersModule } from '@shop/workers';

/** The shop's background workers without HTTP: run one or more next to APIs started with RUN_WORKERS=false. */
@Module({ imports: [PlatformModule, LoggingModule, ObservabilityModule, WorkersModule] })
export class WorkerModule {}
