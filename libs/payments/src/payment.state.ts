import { type PaymentEvent } from './payment.events';

export type PaymentStatus =
  'requested' | 'authorized' | 'captured' | 'failed' | 'refund_requested' | 'refunded';

/**
 * The payment state machine. `refunded` is terminal, and so is `failed` unless the provider turns out to
 * have charged after all (reconciliation), when the money is refunded. There is one payment per order, so a
 * failed payment is not retried on the same stream (the checkout compensates instead).
 */
export const PAYMENT_TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  requested: ['authorized', 'captured', 'failed'],
  authorized: ['captured', 'failed'],
  captured: ['refund_requested'],
  refund_requested: ['refunded'],
  failed: ['refund_requested'],
  refunded: [],
};

export const canTransition = (from: PaymentStatus, to: PaymentStatus): boolean =>
  PAYMENT_TRANSITIONS[from].includes(to);

export interface ExistingPayment {
  readonly status: PaymentStatus;
  readonly orderId: string;
  readonly amountCents: number;
  readonly currency: string;
  /** Set once the provider authorized the charge. */
  readonly providerRef: string | null;
  readonly failureReason: string | null;
  /**
   * `pending`: it failed without knowing whether the provider charged; `done`: the provider was asked.
   * Absent in snapshots taken before reconciliation existed (read as `none`).
   */
  readonly reconciliation?: Reconciliation;
}

export type Reconciliation = 'none' | 'pending' | 'done';

export type PaymentState = { readonly status: 'none' } | ExistingPayment;

export const initialPaymentState = (): PaymentState => ({ status: 'none' });

export const evolvePayment = (state: PaymentState, event: PaymentEvent): PaymentState => {
  if (event.type === 'PaymentRequested') {
    return {
      status: 'requested',
      ...event.data,
      providerRef: null,
      failureReason: null,
      reconciliation: 'none',
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'PaymentAuthorized':
      return { ...state, status: 'authorized', providerRef: event.data.providerRef };
    case 'PaymentCaptured':
      return { ...state, status: 'captured', providerRef: event.data.providerRef };
    case 'PaymentFailed':
      return {
        ...state,
        status: 'failed',
        failureReason: event.data.reason,
        reconciliation: event.data.outcomeUnknown ? 'pending' : 'none',
      };
    case 'PaymentReconciled':
      return { ...state, reconciliation: 'done', providerRef: event.data.providerRef ?? state.providerRef };
    case 'PaymentRefundRequested':
      return { ...state, status: 'refund_requested' };
    case 'PaymentRefunded':
      return { ...state, status: 'refunded' };
  }
};
