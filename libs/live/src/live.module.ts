import {
  Global,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AppConfig } from '@shop/config';
import { LIVE_UPDATES_STATUS, Metrics } from '@shop/observability';
import { PROJECTION_OBSERVER } from '@shop/projections';
import { type FastifyInstance } from 'fastify';
import { ChangeBus, inProcessTransport } from './change-bus';
import { PrometheusLiveMetrics } from './live-metrics';
import { ProjectionFeed } from './projection-feed';
import { LIVE_CHANNEL, RedisTransport, redactedUrl } from './redis-transport';

/**
 * Starts the bus's transport before the app serves, says once which transport is used, and ends every
 * live stream when the server begins to close (Fastify's preClose), so draining in-flight requests does not
 * wait for streams that never end by themselves.
 */
@Injectable()
class LiveLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('LiveUpdates');

  constructor(
    private readonly bus: ChangeBus,
    private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter?.getInstance?.<FastifyInstance>();
    fastify?.addHook?.('preClose', async () => this.bus.close());
    await this.bus.start();
    const { redisUrl } = this.config.live;
    if (!redisUrl) {
      this.logger.log(
        'Live updates are delivered in-process (REDIS_URL unset): subscribers hear the changes committed by this process only',
      );
    } else {
      const { degraded } = this.bus.transport.describe();
      this.logger.log(
        `Live updates are fanned out through Redis pub/sub at ${redactedUrl(redisUrl)} (channel ${LIVE_CHANNEL})` +
          (degraded ? `; not connected yet (${degraded}), in-process meanwhile` : ''),
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}

/**
 * The live-updates bus for the whole app: projections publish to it after committing (PROJECTION_OBSERVER),
 * SSE endpoints and GraphQL subscriptions read from it (ChangeBus). Global: import once, in the app module.
 */
@Global()
@Module({
  providers: [
    {
      provide: ChangeBus,
      inject: [AppConfig, Metrics],
      useFactory: (config: AppConfig, metrics: Metrics) => {
        const { redisUrl, queueLimit, maxConnectionsPerUser } = config.live;
        return new ChangeBus(
          { queueLimit, maxConnectionsPerUser },
          redisUrl ? new RedisTransport(redisUrl) : inProcessTransport(),
          new PrometheusLiveMetrics(metrics.registry),
        );
      },
    },
    {
      provide: PROJECTION_OBSERVER,
      inject: [ChangeBus],
      useFactory: (bus: ChangeBus) => new ProjectionFeed(bus),
    },
    { provide: LIVE_UPDATES_STATUS, inject: [ChangeBus], useFactory: (bus: ChangeBus) => bus.transport },
    LiveLifecycle,
  ],
  exports: [ChangeBus, PROJECTION_OBSERVER, LIVE_UPDATES_STATUS],
})
export class LiveModule {}
