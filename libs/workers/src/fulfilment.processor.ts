import { commitReservationsOnShipment } from '@shop/checkout';
import { contextFromEvent, type StoredEvent } from '@shop/event-sourcing';
import { type AggregateStore } from '@shop/eventstore';
import { type OrderEvent } from '@shop/ordering';
import { type ProcessorDefinition } from '@shop/projections';
import { runAction } from './run-action';

/** When an order ships, every line's reservation is committed: the reserved units left the warehouse. */
export const fulfilmentProcessor = (store: AggregateStore): ProcessorDefinition<OrderEvent> => ({
  name: 'fulfilment',
  eventTypes: ['OrderShipped'],
  key: (stored) => stored.event.data.orderId,
  handle: async (stored: StoredEvent<OrderEvent>) => {
    if (stored.event.type !== 'OrderShipped') return;
    for (const target of commitReservationsOnShipment({ ...stored, event: stored.event })) {
      await runAction(store, target, contextFromEvent(stored));
    }
  },
});
