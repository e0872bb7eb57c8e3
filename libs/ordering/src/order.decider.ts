import { type Decider } from '@shop/event-sourcing';
import { type OrderCommand } from './order.commands';
import { illegalTransition, orderAlreadyPlaced, orderNotFound } from './order.errors';
import {
  orderCancelled,
  orderConfirmed,
  orderPlaced,
  orderShipped,
  type OrderEvent,
  type OrderLine,
} from './order.events';
import {
  canTransition,
  evolveOrder,
  type ExistingOrder,
  initialOrderState,
  type OrderState,
  type OrderStatus,
} from './order.state';
import {
  normalizeReason,
  priceLines,
  requireCurrency,
  requireCustomerId,
  requireOrderId,
} from './order.validation';

const sameLines = (a: readonly OrderLine[], b: readonly OrderLine[]): boolean =>
  a.length === b.length &&
  a.every((line, i) => {
    const other = b[i];
    return (
      other !== undefined &&
      line.productId === other.productId &&
      line.quantity === other.quantity &&
      line.unitPriceCents === other.unitPriceCents
    );
  });

/**
 * The order when `to` is allowed, undefined when the order is already `to`; throws when illegal.
 * Repeating a transition is an accepted no-op so that retries and process-manager re-runs are harmless.
 */
const transition = (state: OrderState, orderId: string, to: OrderStatus): ExistingOrder | undefined => {
  if (state.status === 'none') throw orderNotFound(orderId);
  if (state.status === to) return undefined;
  if (!canTransition(state.status, to)) throw illegalTransition(orderId, state.status, to);
  return state;
};

const factsOf = ({ orderId, customerId, lines, totalCents, currency }: ExistingOrder) => ({
  orderId,
  customerId,
  lines,
  totalCents,
  currency,
});

/** The order aggregate (stream `order-<uuid>`). */
export const orderDecider: Decider<OrderState, OrderCommand, OrderEvent> = {
  initialState: initialOrderState,
  evolve: evolveOrder,
  decide: (command, state) => {
    const { orderId } = command.data;
    requireOrderId(orderId);
    switch (command.type) {
      case 'PlaceOrder': {
        const { customerId, currency } = command.data;
        requireCustomerId(customerId);
        requireCurrency(currency);
        const lines = priceLines(command.data.lines);
        if (state.status !== 'none') {
          const identical =
            state.customerId === customerId && state.currency === currency && sameLines(state.lines, lines);
          if (identical) return [];
          throw orderAlreadyPlaced(orderId);
        }
        const totalCents = lines.reduce((sum, line) => sum + line.lineTotalCents, 0);
        return [orderPlaced({ orderId, customerId, lines, totalCents, currency })];
      }
      case 'ConfirmOrder': {
        const order = transition(state, orderId, 'confirmed');
        return order ? [orderConfirmed(factsOf(order))] : [];
      }
      case 'CancelOrder': {
        const reason = normalizeReason(command.data.reason);
        const order = transition(state, orderId, 'cancelled');
        if (!order) return [];
        // transition() only lets placed or confirmed orders through to cancelled.
        const previousStatus = order.status === 'confirmed' ? 'confirmed' : 'placed';
        return [orderCancelled({ ...factsOf(order), reason, previousStatus })];
      }
      case 'MarkShipped': {
        const order = transition(state, orderId, 'shipped');
        return order ? [orderShipped(factsOf(order))] : [];
      }
    }
  },
};
