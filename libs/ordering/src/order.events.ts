import { type DomainEvent } from '@shop/event-sourcing';

// Event type strings are a persisted contract: never rename them, version their data with an upcaster.

/** A priced line as placed: the unit price is the catalog's at placing time, frozen for this order. */
export interface OrderLine {
  readonly productId: string;
  readonly quantity: number;
  readonly unitPriceCents: number;
  readonly lineTotalCents: number;
}

/** What the order is about; repeated on the later events so their consumers need no lookup. */
interface OrderFacts {
  readonly orderId: string;
  readonly customerId: string;
  readonly lines: readonly OrderLine[];
  readonly totalCents: number;
  readonly currency: string;
}

export type OrderPlaced = DomainEvent<'OrderPlaced', OrderFacts>;
/** Carries the lines so that sales projections count what was sold without reading the order. */
export type OrderConfirmed = DomainEvent<'OrderConfirmed', OrderFacts>;
/** `previousStatus` tells whether confirmed sales must be taken back (and stock released by the checkout). */
export type OrderCancelled = DomainEvent<
  'OrderCancelled',
  OrderFacts & { readonly reason: string; readonly previousStatus: 'placed' | 'confirmed' }
>;
/** Carries the lines so the shipment policy can commit each product's reservation. */
export type OrderShipped = DomainEvent<'OrderShipped', OrderFacts>;

export type OrderEvent = OrderPlaced | OrderConfirmed | OrderCancelled | OrderShipped;
export type OrderEventType = OrderEvent['type'];

export const ORDER_EVENT_TYPES = [
  'OrderPlaced',
  'OrderConfirmed',
  'OrderCancelled',
  'OrderShipped',
] as const satisfies readonly OrderEventType[];

export const isOrderEvent = (event: DomainEvent): event is OrderEvent =>
  (ORDER_EVENT_TYPES as readonly string[]).includes(event.type);

export const orderPlaced = (data: OrderPlaced['data']): OrderPlaced => ({ type: 'OrderPlaced', data });
export const orderConfirmed = (data: OrderConfirmed['data']): OrderConfirmed => ({
  type: 'OrderConfirmed',
  data,
});
export const orderCancelled = (data: OrderCancelled['data']): OrderCancelled => ({
  type: 'OrderCancelled',
  data,
});
export const orderShipped = (data: OrderShipped['data']): OrderShipped => ({ type: 'OrderShipped', data });
