import { type Decider } from '@shop/event-sourcing';
import { type PaymentCommand } from './payment.commands';
import {
  alreadyRequested,
  illegalTransition,
  nothingToReconcile,
  paymentNotFound,
  providerRefMismatch,
  settlementAmountMismatch,
} from './payment.errors';
import {
  paymentAuthorized,
  paymentCaptured,
  paymentFailed,
  paymentReconciled,
  paymentRefunded,
  paymentRefundRequested,
  paymentRequested,
  type PaymentEvent,
} from './payment.events';
import {
  canTransition,
  evolvePayment,
  type ExistingPayment,
  initialPaymentState,
  type PaymentState,
  type PaymentStatus,
} from './payment.state';
import {
  normalizeReason,
  requireAmount,
  requireCurrency,
  requireOrderId,
  requireProviderRef,
} from './payment.validation';

const existing = (state: PaymentState, orderId: string): ExistingPayment => {
  if (state.status === 'none') throw paymentNotFound(orderId);
  return state;
};

/** Statuses that mean the money was taken (a capture fact arriving now is old news). */
const CAPTURED_OR_LATER: readonly PaymentStatus[] = ['captured', 'refund_requested', 'refunded'];

/** Why money is given back when the provider turns out to have charged a payment that had failed. */
const CHARGED_AFTER_FAILURE = 'charged although the payment had failed';

const requireSameRef = (payment: ExistingPayment, providerRef: string): void => {
  if (payment.providerRef !== null && payment.providerRef !== providerRef) {
    throw providerRefMismatch(payment.orderId, payment.providerRef, providerRef);
  }
};

/**
 * The payment aggregate (stream `payment-<orderId>`). It records what the provider said; the provider is
 * called outside the decider through the {@link PaymentProvider} port, driven by `nextProviderCall`.
 */
export const paymentDecider: Decider<PaymentState, PaymentCommand, PaymentEvent> = {
  initialState: initialPaymentState,
  evolve: evolvePayment,
  decide: (command, state) => {
    const { orderId } = command.data;
    requireOrderId(orderId);
    switch (command.type) {
      case 'RequestPayment': {
        const { amountCents, currency } = command.data;
        requireAmount(amountCents);
        requireCurrency(currency);
        if (state.status === 'none') return [paymentRequested({ orderId, amountCents, currency })];
        if (state.amountCents === amountCents && state.currency === currency) return [];
        throw alreadyRequested(orderId, state.amountCents, state.currency);
      }
      case 'RecordAuthorization': {
        const { providerRef } = command.data;
        requireProviderRef(providerRef);
        const payment = existing(state, orderId);
        if (payment.status === 'authorized' || CAPTURED_OR_LATER.includes(payment.status)) {
          requireSameRef(payment, providerRef);
          return [];
        }
        if (!canTransition(payment.status, 'authorized'))
          throw illegalTransition(orderId, payment.status, 'authorized');
        return [paymentAuthorized({ orderId, providerRef })];
      }
      case 'RecordCapture': {
        const { providerRef } = command.data;
        requireProviderRef(providerRef);
        const payment = existing(state, orderId);
        if (CAPTURED_OR_LATER.includes(payment.status)) {
          requireSameRef(payment, providerRef);
          return [];
        }
        if (!canTransition(payment.status, 'captured'))
          throw illegalTransition(orderId, payment.status, 'captured');
        requireSameRef(payment, providerRef);
        const captured = paymentCaptured({ orderId, providerRef, amountCents: payment.amountCents });
        return payment.status === 'requested'
          ? [paymentAuthorized({ orderId, providerRef }), captured]
          : [captured];
      }
      case 'RecordFailure': {
        const reason = normalizeReason(command.data.reason);
        const payment = existing(state, orderId);
        if (payment.status === 'failed') return [];
        // A request whose answer was lost, while the provider's settlement already told what it did.
        if (command.data.outcomeUnknown && CAPTURED_OR_LATER.includes(payment.status)) return [];
        if (!canTransition(payment.status, 'failed'))
          throw illegalTransition(orderId, payment.status, 'failed');
        return [
          paymentFailed({
            orderId,
            reason,
            ...(command.data.outcomeUnknown ? { outcomeUnknown: true } : {}),
          }),
        ];
      }
      case 'RecordReconciliation': {
        const { providerRef } = command.data;
        if (providerRef !== null) requireProviderRef(providerRef);
        const payment = existing(state, orderId);
        if (payment.reconciliation === 'done') return []; // the provider's first answer stands
        if (payment.status !== 'failed' || payment.reconciliation !== 'pending') {
          throw nothingToReconcile(orderId, payment.status);
        }
        if (providerRef === null) return [paymentReconciled({ orderId, providerRef: null })];
        // It charged after all: the order was already compensated, so the money goes back.
        return [
          paymentReconciled({ orderId, providerRef }),
          paymentRefundRequested({
            orderId,
            providerRef,
            amountCents: payment.amountCents,
            reason: CHARGED_AFTER_FAILURE,
          }),
        ];
      }
      case 'RecordSettlement': {
        const { providerRef, amountCents } = command.data;
        requireProviderRef(providerRef);
        requireAmount(amountCents);
        const payment = existing(state, orderId);
        if (payment.amountCents !== amountCents) {
          throw settlementAmountMismatch(orderId, payment.amountCents, amountCents);
        }
        if (payment.status === 'failed') {
          // Reconciled with this charge already: its refund was requested then.
          if (payment.reconciliation === 'done' && payment.providerRef !== null) {
            requireSameRef(payment, providerRef);
            return [];
          }
          // The provider took the money of a payment the checkout already compensated: it goes back, even
          // after an earlier lookup found no charge (the settlement is the provider's later, final word).
          return [
            paymentReconciled({ orderId, providerRef }),
            paymentRefundRequested({ orderId, providerRef, amountCents, reason: CHARGED_AFTER_FAILURE }),
          ];
        }
        requireSameRef(payment, providerRef);
        if (CAPTURED_OR_LATER.includes(payment.status)) return [];
        const captured = paymentCaptured({ orderId, providerRef, amountCents });
        return payment.status === 'requested'
          ? [paymentAuthorized({ orderId, providerRef }), captured]
          : [captured];
      }
      case 'Refund': {
        const reason = normalizeReason(command.data.reason);
        const payment = existing(state, orderId);
        if (payment.status === 'refund_requested' || payment.status === 'refunded') return [];
        if (payment.status !== 'captured' || payment.providerRef === null) {
          throw illegalTransition(orderId, payment.status, 'refund_requested');
        }
        return [
          paymentRefundRequested({
            orderId,
            providerRef: payment.providerRef,
            amountCents: payment.amountCents,
            reason,
          }),
        ];
      }
      case 'RecordRefund': {
        const { providerRefundRef } = command.data;
        requireProviderRef(providerRefundRef);
        const payment = existing(state, orderId);
        if (payment.status === 'refunded') return [];
        if (!canTransition(payment.status, 'refunded'))
          throw illegalTransition(orderId, payment.status, 'refunded');
        return [paymentRefunded({ orderId, providerRefundRef, amountCents: payment.amountCents })];
      }
    }
  },
};
