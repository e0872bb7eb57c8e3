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
/** `reason` is for humans and operators; it is never shown with provider secrets. */
export type PaymentFailed = DomainEvent<'PaymentFailed', { orderId: string; reason: string }>;
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
  | PaymentRefundRequested
  | PaymentRefunded;

export type PaymentEventType = PaymentEvent['type'];

export const PAYMENT_EVENT_TYPES = [
  'PaymentRequested',
  'PaymentAuthorized',
  'PaymentCaptured',
  'PaymentFailed',
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
export const paymentRefundRequested = (data: PaymentRefundRequested['data']): PaymentRefundRequested => ({
  type: 'PaymentRefundRequested',
  data,
});
export const paymentRefunded = (data: PaymentRefunded['data']): PaymentRefunded => ({
  type: 'PaymentRefunded',
  data,
});
