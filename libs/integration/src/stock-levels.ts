import { type StoredEvent } from '@shop/event-sourcing';
import { type StreamInspector } from '@shop/eventstore';
import { availableQuantity, productDecider, type ProductEvent } from '@shop/inventory';
import { type IntegrationEvent } from './contracts';

interface Level {
  /** Revision of the product's stream this level is at. */
  readonly revision: bigint;
  readonly available: number;
  readonly sku: string;
}

/**
 * `shop.product.stock-low.v1`: published when a product's available quantity (on hand minus open
 * reservations) falls below the threshold, i.e. crosses it downwards; not again while it stays below.
 * The level of each product is kept in memory from the events seen; a product first seen mid-stream (after a
 * restart from the checkpoint) or after a gap is read once at the revision before the event, so the answer
 * is the same however the events are delivered.
 */
export class StockLevels {
  private readonly levels = new Map<string, Level>();

  constructor(
    private readonly inspector: StreamInspector,
    private readonly threshold: number,
  ) {}

  async integrationEventFor(stored: StoredEvent<ProductEvent>): Promise<IntegrationEvent | undefined> {
    const before = await this.levelBefore(stored);
    const event = stored.event;
    const available = before.available + delta(event);
    const sku = event.type === 'ProductRegistered' ? event.data.sku : before.sku;
    this.levels.set(stored.streamName, { revision: stored.revision, available, sku });
    if (!(before.available >= this.threshold && available < this.threshold)) return undefined;
    return {
      type: 'shop.product.stock-low.v1',
      subject: event.data.productId,
      data: { productId: event.data.productId, sku, available, threshold: this.threshold },
    };
  }

  private async levelBefore(stored: StoredEvent<ProductEvent>): Promise<Level> {
    const known = this.levels.get(stored.streamName);
    if (known && known.revision === stored.revision - 1n) return known;
    if (stored.revision === 0n) return { revision: -1n, available: 0, sku: '' };
    const { state } = await this.inspector.stateAt(productDecider, stored.streamName, {
      revision: stored.revision - 1n,
    });
    return state.status === 'registered'
      ? { revision: stored.revision - 1n, available: availableQuantity(state), sku: state.sku }
      : { revision: stored.revision - 1n, available: 0, sku: '' };
  }
}

/** How an event changes the available quantity (a committed reservation leaves it as it was). */
const delta = (event: ProductEvent): number => {
  switch (event.type) {
    case 'StockReceived':
    case 'StockReservationReleased':
      return event.data.quantity;
    case 'StockReserved':
      return -event.data.quantity;
    case 'StockReservationCommitted':
    case 'ProductRegistered':
    case 'ProductPriceChanged':
      return 0;
  }
};
