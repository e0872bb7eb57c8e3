import { type StoredEvent } from '@shop/event-sourcing';
import { commitReservation, productStreamName } from '@shop/inventory';
import { type OrderShipped } from '@shop/ordering';
import { type ActionCommand } from './checkout.wiring';

export const commitIdempotencyKey = (orderId: string, productId: string) =>
  `shipment:${orderId}:commit:${productId}`;

/**
 * When an order ships, each line's reservation becomes a stock movement. A stateless policy: OrderShipped
 * carries the lines, so the wiring turns one event into these commands (each idempotent by its key and by
 * CommitReservation's own no-op on an already committed reservation).
 */
export const commitReservationsOnShipment = (stored: StoredEvent<OrderShipped>): ActionCommand[] => {
  const { orderId, lines } = stored.event.data;
  const now = new Date(stored.metadata.occurredAt);
  return lines.map(({ productId }) => ({
    context: 'inventory',
    streamName: productStreamName(productId),
    command: commitReservation(
      { productId, orderId },
      { now, idempotencyKey: commitIdempotencyKey(orderId, productId) },
    ),
  }));
};
