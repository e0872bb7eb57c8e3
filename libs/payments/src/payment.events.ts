import { type DomainEvent } from '@shop/event-sourcing';

// Event type strings are a persisted contract: never rename them, version their data with an upcaster.

export type PaymentRequested = DomainEvent<
  'PaymentRequested',
  { orderId: string; amountCents: number; currency: string }
>;
export type PaymentAuthorized = DomainEvent<'PaymentAuthorized', { orderId: string; providerRef: string }>;
export type PaymentCaptured = DomainEvent<
  'PaymentCaptured',
  { orderId: string; providerRef: string; amountCents: number }
>;
/**
 * `reason` is for humans and operators; it is never shown with provider secrets. `outcomeUnknown`: a request
 * reached the provider but its answer never came back, so the charge may have been made anyway; the
 * payment is reconciled (absent in events written before reconciliation existed: treated as false).
 */
export type PaymentFailed = DomainEvent<
  'PaymentFailed',
  { orderId: string; reason: string; outcomeUnknown?: boolean }
>;
/**
 * The provider was asked what became of a charge whose outcome was unknown: `providerRef` is the charge it
 * made after all (a refund is requested in the same write), or null when it made none.
 */
export type PaymentReconciled = DomainEvent<
  'PaymentReconciled',
  { orderId: string; providerRef: string | null }
>;
export type PaymentRefundRequested = DomainEvent<
  'PaymentRefundRequested',
  { orderId: string; providerRef: string; amountCents: number; reason: string }
>;
export type PaymentRefunded = DomainEvent<
  'PaymentRefunded',
  { orderId: string; providerRefundRef: string; amountCents: number }
>;

export type PaymentEvent =
  | PaymentRequested
  | PaymentAuthorized
  | PaymentCaptured
  | PaymentFailed
  | PaymentReconciled
  | PaymentRefundRequested
  | PaymentRefunded;

export type PaymentEventType = PaymentEvent['type'];

export const PAYMENT_EVENT_TYPES = [
  'PaymentRequested',
  'PaymentAuthorized',
  'PaymentCaptured',
  'PaymentFailed',
  'PaymentReconciled',
  'PaymentRefundRequested',
  'PaymentRefunded',
] as const satisfies readonly PaymentEventType[];

export const isPaymentEvent = (event: DomainEvent): event is PaymentEvent =>
  (PAYMENT_EVENT_TYPES as readonly string[]).includes(event.type);

export const paymentRequested = (data: PaymentRequested['data']): PaymentRequested => ({
  type: 'PaymentRequested',
  data,
});
export const paymentAuthorized = (data: PaymentAuthorized['data']): PaymentAuthorized => ({
  type: 'PaymentAuthorized',
  data,
});
export const paymentCaptured = (data: PaymentCaptured['data']): PaymentCaptured => ({
  type: 'PaymentCaptured',
  data,
});
export const paymentFailed = (data: PaymentFailed['data']): PaymentFailed => ({
  type: 'PaymentFailed',
  data,
});
export const paymentReconciled = (data: PaymentReconciled['data']): PaymentReconciled => ({
  type: 'PaymentReconciled',
  data,
});
export const paymentRefundRequested = (data: PaymentRefundRequested['data']): PaymentRefundRequested => ({
  type: 'PaymentRefundRequested',
  data,
});
export const paymentRefunded = (data: PaymentRefunded['data']): PaymentRefunded => ({
  type: 'PaymentRefunded',
  data,
});
