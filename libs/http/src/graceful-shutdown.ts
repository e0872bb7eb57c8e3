import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { ProjectionManager } from '@shop/projections';

/**
 * Puts shutdown in the order that loses nothing. Nest's own order is: onModuleDestroy, then
 * beforeApplicationShutdown (the MongoDB client closes there), then the HTTP server closes, then
 * onApplicationShutdown (projection runners and the EventStoreDB client stop there). That would drain
 * in-flight requests and flush projection batches after MongoDB is gone. So, in the first phase:
 * 1. stop accepting connections and let in-flight requests finish (Fastify close; new requests get 503),
 * 2. stop the projection runners, which flush their last batch and checkpoint while MongoDB is still open.
 * Nest's later calls of both are then no-ops.
 */
@Injectable()
export class GracefulShutdown implements OnModuleDestroy {
  private readonly logger = new Logger('Shutdown');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onModuleDestroy(): Promise<void> {
    const adapter = this.adapterHost.httpAdapter as { close?: () => Promise<unknown> } | undefined;
    this.logger.log('Draining in-flight requests');
    await adapter?.close?.();
    let projections: ProjectionManager | undefined;
    try {
      projections = this.moduleRef.get(ProjectionManager, { strict: false });
    } catch {
      projections = undefined;
    }
    if (projections) {
      this.logger.log('Stopping projections (flushing their last batch and checkpoint)');
      await projections.onApplicationShutdown();
    }
  }
}
