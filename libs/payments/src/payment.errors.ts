import { NotFoundError, RuleViolatedError, ValidationError } from '@shop/event-sourcing';
import { type PaymentStatus } from './payment.state';

/** Every `code` the payment decider can throw (part of the API contract). */
export type PaymentErrorCode =
  | 'invalid_order_id'
  | 'invalid_amount'
  | 'invalid_currency'
  | 'invalid_reason'
  | 'invalid_provider_ref'
  | 'payment_not_found'
  | 'payment_already_requested'
  | 'provider_ref_mismatch'
  | 'illegal_transition'
  | 'nothing_to_reconcile'
  | 'settlement_amount_mismatch';

export const invalid = (code: PaymentErrorCode, message: string, details: Record<string, unknown>) =>
  new ValidationError(code, message, details);

export const paymentNotFound = (orderId: string) =>
  new NotFoundError('payment_not_found', `No payment was requested for order ${orderId}`, { orderId });

export const illegalTransition = (orderId: string, from: PaymentStatus, to: PaymentStatus) =>
  new RuleViolatedError('illegal_transition', `A ${from} payment cannot become ${to}`, { orderId, from, to });

export const providerRefMismatch = (orderId: string, expected: string, actual: string) =>
  new RuleViolatedError(
    'provider_ref_mismatch',
    `Payment of order ${orderId} has another provider reference`,
    {
      orderId,
      expected,
      actual,
    },
  );

export const alreadyRequested = (orderId: string, amountCents: number, currency: string) =>
  new RuleViolatedError('payment_already_requested', `A payment for order ${orderId} was already requested`, {
    orderId,
    amountCents,
    currency,
  });

export const nothingToReconcile = (orderId: string, status: PaymentStatus) =>
  new RuleViolatedError(
    'nothing_to_reconcile',
    `Payment of order ${orderId} did not fail with an unknown outcome; there is nothing to reconcile`,
    { orderId, status },
  );

export const settlementAmountMismatch = (orderId: string, expected: number, actual: number) =>
  new RuleViolatedError(
    'settlement_amount_mismatch',
    `The provider settled ${actual} cents for order ${orderId}, whose payment is for ${expected}`,
    { orderId, expected, actual },
  );
