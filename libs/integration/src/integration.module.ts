import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { AppConfig } from '@shop/config';
import { AggregateStore, StreamInspector } from '@shop/eventstore';
import { MONGO_DB } from '@shop/mongo';
import { type Db } from 'mongodb';
import { type ProcessorDefinition } from '@shop/projections';
import { AmqpPublisher, type AmqpPublisherHooks } from './amqp-publisher';
import { AmqpConsumer } from './inbound/amqp-consumer';
import { Inbox } from './inbound/inbox';
import { chargeSettled } from './inbound/charge-settled';
import { shipmentDispatched } from './inbound/shipment-dispatched';
import { integrationPublisherProcessor } from './integration-publisher.processor';
import { StockLevels } from './stock-levels';

/** The processors that talk to the broker: none when AMQP_URL is unset. */
export const INTEGRATION_PROCESSORS = Symbol('INTEGRATION_PROCESSORS');
const INTEGRATION_PUBLISHER = Symbol('INTEGRATION_PUBLISHER');
/** The inbound consumer (null without AMQP_URL); it consumes only where RUN_WORKERS is on. */
export const INBOUND_CONSUMER = Symbol('INBOUND_CONSUMER');
/** Optional: metrics told about every published message, failed confirm and breaker change. */
export const INTEGRATION_HOOKS = Symbol('INTEGRATION_HOOKS');

export interface IntegrationHooks extends AmqpPublisherHooks {
  onPublished?(type: string): void;
}

@Injectable()
class BrokerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(INTEGRATION_PUBLISHER) private readonly publisher: AmqpPublisher | null,
    @Inject(INBOUND_CONSUMER) private readonly consumer: AmqpConsumer | null,
    private readonly config: AppConfig,
  ) {}

  /** Consumes where the workers run; every process can still list and replay dead letters. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.consumer && this.config.runWorkers) await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.consumer?.stop(), this.publisher?.close()]);
  }
}

/**
 * Integration events over RabbitMQ (AMQP_URL): the publisher of the public contract, run by the projection
 * engine like any processor (one process at a time, under its lease), and the consumer of partners' events
 * (competing consumers on one queue, in every process that runs the workers). Off when AMQP_URL is unset,
 * said once.
 */
@Global()
@Module({
  providers: [
    {
      provide: INTEGRATION_PUBLISHER,
      inject: [AppConfig, { token: INTEGRATION_HOOKS, optional: true }],
      useFactory: (config: AppConfig, hooks?: IntegrationHooks): AmqpPublisher | null => {
        const { url, exchange } = config.integration;
        if (!url) {
          new Logger('Integration').log('AMQP_URL is not set: integration events are not published');
          return null;
        }
        return new AmqpPublisher({ url, exchange }, hooks ?? {});
      },
    },
    {
      provide: INTEGRATION_PROCESSORS,
      inject: [
        INTEGRATION_PUBLISHER,
        AppConfig,
        StreamInspector,
        { token: INTEGRATION_HOOKS, optional: true },
      ],
      useFactory: (
        publisher: AmqpPublisher | null,
        config: AppConfig,
        inspector: StreamInspector,
        hooks?: IntegrationHooks,
      ): ProcessorDefinition[] => {
        if (!publisher) return [];
        const { source, stockLowThreshold } = config.integration;
        return [
          integrationPublisherProcessor(publisher, new StockLevels(inspector, stockLowThreshold), {
            source,
            ...(hooks?.onPublished ? { onPublished: (type) => hooks.onPublished?.(type) } : {}),
          }),
        ];
      },
    },
    {
      provide: INBOUND_CONSUMER,
      inject: [AppConfig, AggregateStore, MONGO_DB],
      useFactory: (config: AppConfig, store: AggregateStore, db: Db): AmqpConsumer | null => {
        const { url, inbound } = config.integration;
        if (!url) return null;
        const logger = new Logger('Inbound');
        return new AmqpConsumer(
          { url, ...inbound },
          [shipmentDispatched(store), chargeSettled(store)],
          new Inbox(db),
          {
            warn: (message) => logger.warn(message),
          },
        );
      },
    },
    BrokerLifecycle,
  ],
  exports: [INTEGRATION_PROCESSORS, INBOUND_CONSUMER],
})
export class IntegrationModule {}
