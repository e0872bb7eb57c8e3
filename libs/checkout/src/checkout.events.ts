import { type DomainEvent } from '@shop/event-sourcing';

// Event type strings are a persisted contract: never rename them, version their data with an upcaster.
// Two kinds of events live on `checkout-<orderId>`: observed facts (what happened elsewhere, recorded once)
// and the process manager's own status decisions (CheckoutStatusChanged, CheckoutCompensationStarted).

export interface CheckoutLine {
  readonly productId: string;
  readonly quantity: number;
}

export type CheckoutStatus =
  'reserving' | 'paying' | 'confirming' | 'completed' | 'compensating' | 'compensated';

/** Why a checkout compensates: a line could not be reserved, the payment failed, or the order was cancelled. */
export type CheckoutFailureCode = 'reservation_rejected' | 'payment_failed' | 'order_cancelled';

export type CheckoutStarted = DomainEvent<
  'CheckoutStarted',
  {
    orderId: string;
    customerId: string;
    lines: readonly CheckoutLine[];
    totalCents: number;
    currency: string;
  }
>;
export type CheckoutStockReserved = DomainEvent<
  'CheckoutStockReserved',
  { orderId: string; productId: string; quantity: number }
>;
/** `code` is the inventory error code (e.g. insufficient_stock); `reason` its human message. */
export type CheckoutStockReservationRejected = DomainEvent<
  'CheckoutStockReservationRejected',
  { orderId: string; productId: string; code: string; reason: string }
>;
export type CheckoutStockReleased = DomainEvent<
  'CheckoutStockReleased',
  { orderId: string; productId: string }
>;
export type CheckoutPaymentRequested = DomainEvent<
  'CheckoutPaymentRequested',
  { orderId: string; amountCents: number }
>;
export type CheckoutPaymentCaptured = DomainEvent<
  'CheckoutPaymentCaptured',
  { orderId: string; providerRef: string }
>;
export type CheckoutPaymentFailed = DomainEvent<'CheckoutPaymentFailed', { orderId: string; reason: string }>;
export type CheckoutRefundRequested = DomainEvent<'CheckoutRefundRequested', { orderId: string }>;
export type CheckoutOrderConfirmed = DomainEvent<'CheckoutOrderConfirmed', { orderId: string }>;
export type CheckoutOrderCancelled = DomainEvent<
  'CheckoutOrderCancelled',
  { orderId: string; reason: string }
>;
export type CheckoutStatusChanged = DomainEvent<
  'CheckoutStatusChanged',
  { orderId: string; previousStatus: CheckoutStatus; status: CheckoutStatus }
>;
export type CheckoutCompensationStarted = DomainEvent<
  'CheckoutCompensationStarted',
  { orderId: string; previousStatus: CheckoutStatus; code: CheckoutFailureCode; reason: string }
>;

export type CheckoutFactEvent =
  | CheckoutStarted
  | CheckoutStockReserved
  | CheckoutStockReservationRejected
  | CheckoutStockReleased
  | CheckoutPaymentRequested
  | CheckoutPaymentCaptured
  | CheckoutPaymentFailed
  | CheckoutRefundRequested
  | CheckoutOrderConfirmed
  | CheckoutOrderCancelled;

export type CheckoutEvent = CheckoutFactEvent | CheckoutStatusChanged | CheckoutCompensationStarted;
export type CheckoutEventType = CheckoutEvent['type'];

export const CHECKOUT_EVENT_TYPES = [
  'CheckoutStarted',
  'CheckoutStockReserved',
  'CheckoutStockReservationRejected',
  'CheckoutStockReleased',
  'CheckoutPaymentRequested',
  'CheckoutPaymentCaptured',
  'CheckoutPaymentFailed',
  'CheckoutRefundRequested',
  'CheckoutOrderConfirmed',
  'CheckoutOrderCancelled',
  'CheckoutStatusChanged',
  'CheckoutCompensationStarted',
] as const satisfies readonly CheckoutEventType[];

export const isCheckoutEvent = (event: DomainEvent): event is CheckoutEvent =>
  (CHECKOUT_EVENT_TYPES as readonly string[]).includes(event.type);

/** Builds any checkout event: `checkoutEvent('CheckoutOrderConfirmed', { orderId })`. */
export const checkoutEvent = <T extends CheckoutEventType>(
  type: T,
  data: Extract<CheckoutEvent, { type: T }>['data'],
): Extract<CheckoutEvent, { type: T }> => ({ type, data }) as Extract<CheckoutEvent, { type: T }>;
