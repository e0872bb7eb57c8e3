import { type DomainEvent } from '@shop/event-sourcing';

// Event type strings are a persisted contract: never rename them, version their data with an upcaster.

export type ProductRegistered = DomainEvent<
  'ProductRegistered',
  { productId: string; sku: string; name: string; priceCents: number; currency: string }
>;
export type ProductPriceChanged = DomainEvent<
  'ProductPriceChanged',
  { productId: string; priceCents: number; previousPriceCents: number }
>;
export type StockReceived = DomainEvent<'StockReceived', { productId: string; quantity: number }>;
export type StockReserved = DomainEvent<
  'StockReserved',
  { productId: string; orderId: string; quantity: number }
>;
export type StockReservationReleased = DomainEvent<
  'StockReservationReleased',
  { productId: string; orderId: string; quantity: number }
>;
/** The reserved units left the warehouse (order shipped): on hand and reserved both go down. */
export type StockReservationCommitted = DomainEvent<
  'StockReservationCommitted',
  { productId: string; orderId: string; quantity: number }
>;

export type ProductEvent =
  | ProductRegistered
  | ProductPriceChanged
  | StockReceived
  | StockReserved
  | StockReservationReleased
  | StockReservationCommitted;

export type ProductEventType = ProductEvent['type'];

export const PRODUCT_EVENT_TYPES = [
  'ProductRegistered',
  'ProductPriceChanged',
  'StockReceived',
  'StockReserved',
  'StockReservationReleased',
  'StockReservationCommitted',
] as const satisfies readonly ProductEventType[];

export const isProductEvent = (event: DomainEvent): event is ProductEvent =>
  (PRODUCT_EVENT_TYPES as readonly string[]).includes(event.type);

export const productRegistered = (data: ProductRegistered['data']): ProductRegistered => ({
  type: 'ProductRegistered',
  data,
});
export const productPriceChanged = (data: ProductPriceChanged['data']): ProductPriceChanged => ({
  type: 'ProductPriceChanged',
  data,
});
export const stockReceived = (data: StockReceived['data']): StockReceived => ({
  type: 'StockReceived',
  data,
});
export const stockReserved = (data: StockReserved['data']): StockReserved => ({
  type: 'StockReserved',
  data,
});
export const stockReservationReleased = (
  data: StockReservationReleased['data'],
): StockReservationReleased => ({
  type: 'StockReservationReleased',
  data,
});
export const stockReservationCommitted = (
  data: StockReservationCommitted['data'],
): StockReservationCommitted => ({ type: 'StockReservationCommitted', data });
