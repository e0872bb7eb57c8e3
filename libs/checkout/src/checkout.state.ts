import {
  type CheckoutEvent,
  type CheckoutFailureCode,
  type CheckoutStatus,
  type CheckoutLine,
} from './checkout.events';

export type LineReservation = 'pending' | 'rejected' | 'reserved' | 'released';
export type CheckoutPayment = 'not_requested' | 'requested' | 'failed' | 'captured' | 'refund_requested';
export type CheckoutOrder = 'placed' | 'confirmed' | 'cancelled';

/**
 * Facts only move forward. When two facts disagree, the one that proves more wins: stock that was reserved
 * must be released even if a rejection was recorded first; money that was captured must be refunded even
 * if a failure was recorded first. A fact that ranks at or below what is known is stale: a no-op.
 */
export const LINE_RANK: Readonly<Record<LineReservation, number>> = {
  pending: 0,
  rejected: 1,
  reserved: 2,
  released: 3,
};
export const PAYMENT_RANK: Readonly<Record<CheckoutPayment, number>> = {
  not_requested: 0,
  requested: 1,
  failed: 2,
  captured: 3,
  refund_requested: 4,
};
export const ORDER_RANK: Readonly<Record<CheckoutOrder, number>> = { placed: 0, confirmed: 1, cancelled: 2 };

export interface CheckoutLineState extends CheckoutLine {
  readonly reservation: LineReservation;
  /** Inventory's error code when the reservation was rejected. */
  readonly rejection: string | null;
}

export interface ActiveCheckout {
  readonly status: CheckoutStatus;
  readonly orderId: string;
  readonly customerId: string;
  readonly totalCents: number;
  readonly currency: string;
  readonly lines: readonly CheckoutLineState[];
  readonly payment: CheckoutPayment;
  readonly paymentFailure: string | null;
  readonly order: CheckoutOrder;
  readonly cancelReason: string | null;
  /** Set once compensation started; the first failure wins. */
  readonly failure: { readonly code: CheckoutFailureCode; readonly reason: string } | null;
}

export type CheckoutState = { readonly status: 'none' } | ActiveCheckout;

export const initialCheckoutState = (): CheckoutState => ({ status: 'none' });

const withLine = (
  state: ActiveCheckout,
  productId: string,
  change: Partial<CheckoutLineState>,
): ActiveCheckout => ({
  ...state,
  lines: state.lines.map((line) => (line.productId === productId ? { ...line, ...change } : line)),
});

export const evolveCheckout = (state: CheckoutState, event: CheckoutEvent): CheckoutState => {
  if (event.type === 'CheckoutStarted') {
    const { orderId, customerId, totalCents, currency } = event.data;
    return {
      status: 'reserving',
      orderId,
      customerId,
      totalCents,
      currency,
      lines: event.data.lines.map(({ productId, quantity }) => ({
        productId,
        quantity,
        reservation: 'pending',
        rejection: null,
      })),
      payment: 'not_requested',
      paymentFailure: null,
      order: 'placed',
      cancelReason: null,
      failure: null,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'CheckoutStockReserved':
      return withLine(state, event.data.productId, { reservation: 'reserved' });
    case 'CheckoutStockReservationRejected':
      return withLine(state, event.data.productId, { reservation: 'rejected', rejection: event.data.code });
    case 'CheckoutStockReleased':
      return withLine(state, event.data.productId, { reservation: 'released' });
    case 'CheckoutPaymentRequested':
      return { ...state, payment: 'requested' };
    case 'CheckoutPaymentCaptured':
      return { ...state, payment: 'captured' };
    case 'CheckoutPaymentFailed':
      return { ...state, payment: 'failed', paymentFailure: event.data.reason };
    case 'CheckoutRefundRequested':
      return { ...state, payment: 'refund_requested' };
    case 'CheckoutOrderConfirmed':
      return { ...state, order: 'confirmed' };
    case 'CheckoutOrderCancelled':
      return { ...state, order: 'cancelled', cancelReason: event.data.reason };
    case 'CheckoutStatusChanged':
      return { ...state, status: event.data.status };
    case 'CheckoutCompensationStarted':
      return {
        ...state,
        status: 'compensating',
        failure: { code: event.data.code, reason: event.data.reason },
      };
  }
};

/** The first reason to compensate that the facts show, or null while the checkout can still succeed. */
export const compensationTrigger = (
  state: ActiveCheckout,
): { code: CheckoutFailureCode; reason: string } | null => {
  const rejected = state.lines.find((line) => line.reservation === 'rejected');
  if (rejected) {
    return {
      code: 'reservation_rejected',
      reason: `Stock could not be reserved for product ${rejected.productId} (${rejected.rejection ?? 'rejected'})`,
    };
  }
  if (state.payment === 'failed') {
    return { code: 'payment_failed', reason: `Payment failed: ${state.paymentFailure ?? 'unknown reason'}` };
  }
  if (state.order === 'cancelled') {
    return { code: 'order_cancelled', reason: `Order cancelled: ${state.cancelReason ?? 'no reason given'}` };
  }
  return null;
};

const isSettled = (line: CheckoutLineState) =>
  line.reservation === 'rejected' || line.reservation === 'released';

/** Where the facts put the checkout; the decider records a change of it as an event. */
export const derivedStatus = (state: ActiveCheckout): CheckoutStatus => {
  if (state.failure !== null) {
    const paymentSettled = ['not_requested', 'failed', 'refund_requested'].includes(state.payment);
    const done = state.order === 'cancelled' && paymentSettled && state.lines.every(isSettled);
    return done ? 'compensated' : 'compensating';
  }
  if (state.order === 'confirmed') return 'completed';
  if (state.lines.some((line) => line.reservation !== 'reserved')) return 'reserving';
  // A free order (total 0) has nothing to pay: the payment aggregate only takes positive amounts.
  if (state.payment === 'captured' || state.totalCents === 0) return 'confirming';
  return 'paying';
};
