/**
 * Payments bounded context: the payment aggregate (one per order, stream `payment-<orderId>`), the
 * PaymentProvider port with its typed errors, and the pure worker steps (`nextProviderCall` ->
 * provider -> `chargeOutcome`/`refundOutcome`; `pendingReconciliation` -> provider -> `reconciliationOutcome`).
 * The provider adapter lives outside this lib.
 */
export * from './payment.commands';
export { paymentDecider } from './payment.decider';
export { type PaymentErrorCode } from './payment.errors';
export * from './payment.events';
export * from './payment-provider.port';
export {
  chargeIdempotencyKey,
  chargeOutcome,
  type ChargeOutcome,
  nextProviderCall,
  pendingReconciliation,
  type ProviderCall,
  reconciliationOutcome,
  refundIdempotencyKey,
  refundOutcome,
} from './payment.processing';
export {
  canTransition as canPaymentTransition,
  type ExistingPayment,
  PAYMENT_TRANSITIONS,
  type PaymentState,
  type PaymentStatus,
  type Reconciliation,
} from './payment.state';
export { orderIdFromPaymentStreamName, PAYMENT_STREAM_CATEGORY, paymentStreamName } from './payment.streams';
export { MAX_REASON_LENGTH as MAX_PAYMENT_REASON_LENGTH } from './payment.validation';
export { paymentsUpcasters } from './payment.upcasters';
