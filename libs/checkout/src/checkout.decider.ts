import { type Decider, NotFoundError, RuleViolatedError, ValidationError } from '@shop/event-sourcing';
import { type CheckoutCommand } from './checkout.commands';
import { type CheckoutEvent, type CheckoutFactEvent, checkoutEvent } from './checkout.events';
import {
  type ActiveCheckout,
  type CheckoutOrder,
  type CheckoutPayment,
  compensationTrigger,
  derivedStatus,
  evolveCheckout,
  initialCheckoutState,
  type CheckoutState,
  LINE_RANK,
  type LineReservation,
  ORDER_RANK,
  PAYMENT_RANK,
} from './checkout.state';
import { isUuid } from './checkout.streams';

const line = (state: ActiveCheckout, productId: string, to: LineReservation) => {
  const found = state.lines.find((l) => l.productId === productId);
  if (!found) {
    throw new RuleViolatedError(
      'unknown_checkout_line',
      `Order ${state.orderId} has no line for ${productId}`,
      {
        orderId: state.orderId,
        productId,
      },
    );
  }
  return { found, newer: LINE_RANK[to] > LINE_RANK[found.reservation] };
};

const newerPayment = (state: ActiveCheckout, to: CheckoutPayment) =>
  PAYMENT_RANK[to] > PAYMENT_RANK[state.payment];
const newerOrder = (state: ActiveCheckout, to: CheckoutOrder) => ORDER_RANK[to] > ORDER_RANK[state.order];

/** The event recording `command`'s fact, or undefined when the checkout already knows it (or better). */
const recordFact = (command: CheckoutCommand, state: ActiveCheckout): CheckoutFactEvent | undefined => {
  const { orderId } = state;
  switch (command.type) {
    case 'RecordOrderPlaced':
      return undefined;
    case 'RecordStockReserved': {
      const { productId, quantity } = command.data;
      const { found, newer } = line(state, productId, 'reserved');
      if (found.quantity !== quantity) {
        throw new RuleViolatedError('conflicting_fact', `Reserved ${quantity} instead of ${found.quantity}`, {
          orderId,
          productId,
          quantity,
          expected: found.quantity,
        });
      }
      return newer ? checkoutEvent('CheckoutStockReserved', { orderId, productId, quantity }) : undefined;
    }
    case 'RecordStockReservationRejected': {
      const { productId, code, reason } = command.data;
      return line(state, productId, 'rejected').newer
        ? checkoutEvent('CheckoutStockReservationRejected', { orderId, productId, code, reason })
        : undefined;
    }
    case 'RecordStockReleased': {
      const { productId } = command.data;
      return line(state, productId, 'released').newer
        ? checkoutEvent('CheckoutStockReleased', { orderId, productId })
        : undefined;
    }
    case 'RecordPaymentRequested':
      return newerPayment(state, 'requested')
        ? checkoutEvent('CheckoutPaymentRequested', { orderId, amountCents: command.data.amountCents })
        : undefined;
    case 'RecordPaymentCaptured':
      return newerPayment(state, 'captured')
        ? checkoutEvent('CheckoutPaymentCaptured', { orderId, providerRef: command.data.providerRef })
        : undefined;
    case 'RecordPaymentFailed':
      return newerPayment(state, 'failed')
        ? checkoutEvent('CheckoutPaymentFailed', { orderId, reason: command.data.reason })
        : undefined;
    case 'RecordRefundRequested':
      return newerPayment(state, 'refund_requested')
        ? checkoutEvent('CheckoutRefundRequested', { orderId })
        : undefined;
    case 'RecordOrderConfirmed':
      return newerOrder(state, 'confirmed')
        ? checkoutEvent('CheckoutOrderConfirmed', { orderId })
        : undefined;
    case 'RecordOrderCancelled':
      return newerOrder(state, 'cancelled')
        ? checkoutEvent('CheckoutOrderCancelled', { orderId, reason: command.data.reason })
        : undefined;
  }
};

/** The process manager's own decisions after new facts: start compensating, and/or change status. */
const decideStatus = (state: ActiveCheckout): CheckoutEvent[] => {
  const events: CheckoutEvent[] = [];
  let current = state;
  const trigger = current.failure === null ? compensationTrigger(current) : null;
  if (trigger) {
    const started = checkoutEvent('CheckoutCompensationStarted', {
      orderId: current.orderId,
      previousStatus: current.status,
      ...trigger,
    });
    events.push(started);
    current = evolveCheckout(current, started) as ActiveCheckout;
  }
  const status = derivedStatus(current);
  if (status !== current.status) {
    events.push(
      checkoutEvent('CheckoutStatusChanged', {
        orderId: current.orderId,
        previousStatus: current.status,
        status,
      }),
    );
  }
  return events;
};

const startCheckout = (command: Extract<CheckoutCommand, { type: 'RecordOrderPlaced' }>): CheckoutEvent => {
  const { orderId, customerId, lines, totalCents, currency } = command.data;
  const distinct = new Set(lines.map((l) => l.productId)).size === lines.length;
  if (lines.length === 0 || !distinct || !Number.isSafeInteger(totalCents) || totalCents < 0) {
    throw new ValidationError('invalid_order_facts', 'An order needs distinct lines and a total', {
      orderId,
    });
  }
  return checkoutEvent('CheckoutStarted', {
    orderId,
    customerId,
    lines: lines.map(({ productId, quantity }) => ({ productId, quantity })),
    totalCents,
    currency,
  });
};

/**
 * The checkout process manager as a decider over `checkout-<orderId>`. It never calls anything: commands
 * record what was observed, and {@link nextActions} reads the resulting state to say what to do next.
 */
export const checkoutDecider: Decider<CheckoutState, CheckoutCommand, CheckoutEvent> = {
  initialState: initialCheckoutState,
  evolve: evolveCheckout,
  decide: (command, state) => {
    const { orderId } = command.data;
    if (!isUuid(orderId))
      throw new ValidationError('invalid_order_id', 'orderId must be a lowercase UUID', { orderId });
    if (command.type === 'RecordOrderPlaced') return state.status === 'none' ? [startCheckout(command)] : [];
    if (state.status === 'none') {
      throw new NotFoundError('checkout_not_found', `No checkout was started for order ${orderId}`, {
        orderId,
      });
    }
    const fact = recordFact(command, state);
    if (!fact) return [];
    const next = evolveCheckout(state, fact) as ActiveCheckout;
    return [fact, ...decideStatus(next)];
  },
};
