import { type Command, type CommandMetadata } from '@shop/event-sourcing';

export interface PlaceOrderLine {
  readonly productId: string;
  readonly quantity: number;
  /** Put on the command by the handler from the catalog (products read model), never taken from the client. */
  readonly unitPriceCents: number;
}

/** `currency` is the shop's configured currency, like the products'. */
export type PlaceOrder = Command<
  'PlaceOrder',
  { orderId: string; customerId: string; lines: readonly PlaceOrderLine[]; currency: string }
>;
export type ConfirmOrder = Command<'ConfirmOrder', { orderId: string }>;
export type CancelOrder = Command<'CancelOrder', { orderId: string; reason: string }>;
export type MarkShipped = Command<'MarkShipped', { orderId: string }>;

export type OrderCommand = PlaceOrder | ConfirmOrder | CancelOrder | MarkShipped;

export const placeOrder = (data: PlaceOrder['data'], metadata: CommandMetadata): PlaceOrder => ({
  type: 'PlaceOrder',
  data,
  metadata,
});
export const confirmOrder = (data: ConfirmOrder['data'], metadata: CommandMetadata): ConfirmOrder => ({
  type: 'ConfirmOrder',
  data,
  metadata,
});
export const cancelOrder = (data: CancelOrder['data'], metadata: CommandMetadata): CancelOrder => ({
  type: 'CancelOrder',
  data,
  metadata,
});
export const markShipped = (data: MarkShipped['data'], metadata: CommandMetadata): MarkShipped => ({
  type: 'MarkShipped',
  data,
  metadata,
});
