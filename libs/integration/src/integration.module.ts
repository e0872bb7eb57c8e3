import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@shop/config';
import { StreamInspector } from '@shop/eventstore';
import { type ProcessorDefinition } from '@shop/projections';
import { AmqpPublisher, type AmqpPublisherHooks } from './amqp-publisher';
import { integrationPublisherProcessor } from './integration-publisher.processor';
import { StockLevels } from './stock-levels';

/** The processors that talk to the broker: none when AMQP_URL is unset. */
export const INTEGRATION_PROCESSORS = Symbol('INTEGRATION_PROCESSORS');
const INTEGRATION_PUBLISHER = Symbol('INTEGRATION_PUBLISHER');
/** Optional: metrics told about every published message, failed confirm and breaker change. */
export const INTEGRATION_HOOKS = Symbol('INTEGRATION_HOOKS');

export interface IntegrationHooks extends AmqpPublisherHooks {
  onPublished?(type: string): void;
}

@Injectable()
class PublisherLifecycle implements OnApplicationShutdown {
  constructor(@Inject(INTEGRATION_PUBLISHER) private readonly publisher: AmqpPublisher | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.publisher?.close();
  }
}

/**
 * Integration events over RabbitMQ (AMQP_URL): the publisher of the public contract, run by the projection
 * engine like any processor (one process at a time, under its lease). Off when AMQP_URL is unset, said once.
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
    PublisherLifecycle,
  ],
  exports: [INTEGRATION_PROCESSORS],
})
export class IntegrationModule {}
