import { type AggregateStore } from '@shop/eventstore';
import { markShipped, orderDecider, orderStreamName } from '@shop/ordering';
import { inboundContract } from './inbound-contract';
import schema from './schemas/warehouse.shipment.dispatched.v1.schema.json';

export interface ShipmentDispatched {
  readonly orderId: string;
  readonly dispatchedAt: string;
}

/**
 * `warehouse.shipment.dispatched.v1` marks the order shipped (the checkout then commits its reservations).
 * The command's idempotency key is the message id: a redelivered message is the same command.
 */
export const shipmentDispatched = (store: AggregateStore) =>
  inboundContract<ShipmentDispatched>('warehouse.shipment.dispatched.v1', schema, async ({ id, data }) => {
    await store.handle(
      orderDecider,
      orderStreamName(data.orderId),
      markShipped(
        { orderId: data.orderId },
        { now: new Date(data.dispatchedAt), idempotencyKey: `inbound:${id}` },
      ),
    );
  });
