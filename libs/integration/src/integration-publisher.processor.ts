import { type StoredEvent } from '@shop/event-sourcing';
import { isProductEvent, type ProductEvent } from '@shop/inventory';
import { type ProcessorDefinition } from '@shop/projections';
import { type AmqpPublisher } from './amqp-publisher';
import { toAmqpMessage } from './cloud-event';
import { type IntegrationEvent, orderOrReportIntegrationEvent, SOURCE_EVENT_TYPES } from './contracts';
import { type StockLevels } from './stock-levels';

export const INTEGRATION_PUBLISHER_NAME = 'integration-events';
const PUBLISH_CONCURRENCY = 128;

export interface IntegrationPublisherOptions {
  /** CloudEvents `source` of every message. */
  readonly source: string;
  readonly onPublished?: (type: string) => void;
}

/**
 * Publishes the integration events to the broker as a checkpointed processor of the projection engine: the
 * event store is the outbox (no outbox table, no dual write). A batch's checkpoint moves only after the
 * broker confirmed its messages; after a crash in between they are published again with the same ids
 * (at-least-once delivery; exactly-once effect for consumers that deduplicate by id). Events of one stream
 * (one order, one product) are published in log order. While the broker is down the processor retries with
 * backoff (a transient failure, never parked), the breaker fails fast, and readiness shows the broker
 * degraded (`thirdParty`), not the API down.
 */
export const integrationPublisherProcessor = (
  publisher: AmqpPublisher,
  stockLevels: StockLevels,
  options: IntegrationPublisherOptions,
): ProcessorDefinition => ({
  name: INTEGRATION_PUBLISHER_NAME,
  eventTypes: [...SOURCE_EVENT_TYPES],
  key: (stored) => stored.streamName,
  thirdParty: 'broker',
  // Each event's work is one confirm round trip: many in flight keep the broker busy (bench: broker).
  concurrency: PUBLISH_CONCURRENCY,
  handle: async (stored: StoredEvent) => {
    const event: IntegrationEvent | undefined = isProductEvent(stored.event)
      ? await stockLevels.integrationEventFor(stored as StoredEvent<ProductEvent>)
      : orderOrReportIntegrationEvent(stored as never);
    if (!event) return;
    await publisher.publish([toAmqpMessage(event, stored, options.source)]);
    options.onPublished?.(event.type);
  },
});
