import { type OrderEvent, type OrderLine } from './order.events';

export type OrderStatus = 'placed' | 'confirmed' | 'shipped' | 'cancelled';

/** The order state machine: placed -> confirmed -> shipped; placed | confirmed -> cancelled. */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  placed: ['confirmed', 'cancelled'],
  confirmed: ['shipped', 'cancelled'],
  shipped: [],
  cancelled: [],
};

export const canTransition = (from: OrderStatus, to: OrderStatus): boolean =>
  ORDER_TRANSITIONS[from].includes(to);

export interface ExistingOrder {
  readonly status: OrderStatus;
  readonly orderId: string;
  readonly customerId: string;
  readonly lines: readonly OrderLine[];
  readonly totalCents: number;
  readonly currency: string;
}

export type OrderState = { readonly status: 'none' } | ExistingOrder;

export const initialOrderState = (): OrderState => ({ status: 'none' });

const STATUS_AFTER: Readonly<Record<OrderEvent['type'], OrderStatus>> = {
  OrderPlaced: 'placed',
  OrderConfirmed: 'confirmed',
  OrderCancelled: 'cancelled',
  OrderShipped: 'shipped',
};

export const evolveOrder = (_state: OrderState, event: OrderEvent): OrderState => {
  const { orderId, customerId, lines, totalCents, currency } = event.data;
  return { status: STATUS_AFTER[event.type], orderId, customerId, lines, totalCents, currency };
};
