import { type CommandMetadata } from '@shop/event-sourcing';
import {
  recordAuthorization,
  recordCapture,
  recordFailure,
  recordReconciliation,
  recordRefund,
  type PaymentCommand,
} from './payment.commands';
import {
  type ChargeLookup,
  type ChargeRequest,
  type ChargeResult,
  PaymentDeclinedError,
  PaymentProviderUnavailableError,
  type RefundRequest,
  type RefundResult,
} from './payment-provider.port';
import { type PaymentState } from './payment.state';

/** Deterministic keys: the provider charges (or refunds) at most once per key, whoever retries. */
export const chargeIdempotencyKey = (orderId: string): string => `payment:${orderId}:charge`;
export const refundIdempotencyKey = (orderId: string): string => `payment:${orderId}:refund`;

export type ProviderCall =
  | { readonly kind: 'charge'; readonly request: ChargeRequest }
  | { readonly kind: 'refund'; readonly request: RefundRequest };

/**
 * What the payment worker must ask the provider, given the payment's current state; undefined when nothing.
 * The worker loop: on any payment event, load the payment, `nextProviderCall(state)`, call the provider,
 * then append the command from `chargeOutcome`/`refundOutcome`. Crashing anywhere in between is safe:
 * the state still asks for the same call with the same idempotency key.
 */
export const nextProviderCall = (state: PaymentState): ProviderCall | undefined => {
  switch (state.status) {
    case 'requested':
      return {
        kind: 'charge',
        request: {
          idempotencyKey: chargeIdempotencyKey(state.orderId),
          orderId: state.orderId,
          amountCents: state.amountCents,
        },
      };
    case 'refund_requested':
      if (state.providerRef === null) return undefined;
      return {
        kind: 'refund',
        request: {
          idempotencyKey: refundIdempotencyKey(state.orderId),
          orderId: state.orderId,
          providerRef: state.providerRef,
          amountCents: state.amountCents,
        },
      };
    case 'none':
    case 'authorized':
    case 'captured':
    case 'failed':
    case 'refunded':
      return undefined;
  }
};

/**
 * The lookup reconciling a payment that failed without an answer from the provider; undefined when there is
 * none to make. The reconciler asks it on PaymentFailed; whatever the answer, it records it (see below).
 */
export const pendingReconciliation = (state: PaymentState): ChargeLookup | undefined =>
  state.status === 'failed' && state.reconciliation === 'pending'
    ? { idempotencyKey: chargeIdempotencyKey(state.orderId), orderId: state.orderId }
    : undefined;

/** The command recording what the provider did under the charge key: a charge (refunded next) or none. */
export const reconciliationOutcome = (
  orderId: string,
  found: ChargeResult | null,
  metadata: CommandMetadata,
): PaymentCommand => recordReconciliation({ orderId, providerRef: found?.providerRef ?? null }, metadata);

export type ChargeOutcome = { readonly ok: ChargeResult } | { readonly error: unknown };

/**
 * The command recording a charge attempt's outcome. A decline fails the payment. So does an unavailable
 * provider once the adapter gave up: failing fast lets the checkout compensate instead of leaving the order
 * stuck. If a request did reach the provider, the failure is marked `outcomeUnknown` and the payment is
 * reconciled later (a charge that landed is refunded). Any other error is a bug or misconfiguration and is
 * rethrown for the worker to park.
 */
export const chargeOutcome = (
  orderId: string,
  outcome: ChargeOutcome,
  metadata: CommandMetadata,
): PaymentCommand => {
  if ('ok' in outcome) {
    const { providerRef, status = 'captured' } = outcome.ok;
    return status === 'captured'
      ? recordCapture({ orderId, providerRef }, metadata)
      : recordAuthorization({ orderId, providerRef }, metadata);
  }
  const { error } = outcome;
  if (error instanceof PaymentDeclinedError) {
    return recordFailure({ orderId, reason: `declined: ${error.reason}` }, metadata);
  }
  if (error instanceof PaymentProviderUnavailableError) {
    const reason = `provider unavailable: ${error.reason}`;
    return recordFailure(
      error.requestSent ? { orderId, reason, outcomeUnknown: true } : { orderId, reason },
      metadata,
    );
  }
  throw error;
};

export const refundOutcome = (
  orderId: string,
  result: RefundResult,
  metadata: CommandMetadata,
): PaymentCommand => recordRefund({ orderId, providerRefundRef: result.providerRef }, metadata);
