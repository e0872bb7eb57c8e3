import {
  type CommandMetadata,
  type DomainError,
  isDomainError,
  type StoredEvent,
} from '@shop/event-sourcing';
import {
  isProductEvent,
  type ProductCommand,
  productStreamName,
  releaseReservation,
  reserveStock,
} from '@shop/inventory';
import { cancelOrder, confirmOrder, isOrderEvent, type OrderCommand, orderStreamName } from '@shop/ordering';
import {
  isPaymentEvent,
  type PaymentCommand,
  paymentStreamName,
  refund,
  requestPayment,
} from '@shop/payments';
import { type CheckoutAction } from './checkout.actions';
import { checkoutCommand, type CheckoutCommand } from './checkout.commands';

/**
 * How the wiring drives the checkout (all of it outside this lib; everything it needs is here and pure):
 *
 *   subscribe to $all filtered on CHECKOUT_OBSERVED_EVENT_TYPES, from the process manager's checkpoint
 *   for each stored event E:
 *     fact = factFromEvent(E); if fact: handle(checkoutDecider, checkoutStreamName(fact.data.orderId), fact)
 *     repeat                                    // until a round records nothing new
 *       state   = load checkout-<orderId>
 *       for action of nextActions(state):
 *         target = actionCommand(action, { now })          // metadata.idempotencyKey = action.idempotencyKey
 *         try   { handle(target.context's decider, target.streamName, target.command)
 *                 record factFromActionSuccess(action, now) }
 *         catch { record factFromActionRejection(action, error, now) ?? (log, retry later or park) }
 *     checkpoint E
 *
 * Recording a fact is idempotent, and the events the actions cause come back through the subscription
 * and are recorded again as no-ops. A crash anywhere re-delivers E (its checkpoint was not written):
 * recording it is a no-op, nextActions returns the same actions with the same idempotency keys, and each
 * command is deduplicated (by its key, and by its decider's own no-op rules). The payment outcome is the
 * one fact nobody here produces: the payment worker records it, and it arrives through the subscription.
 * A fact for an order that has no checkout (NotFoundError 'checkout_not_found', e.g. an order placed before
 * the process manager existed) is skipped; any other DomainError on recording is a bug and is parked.
 */
export const CHECKOUT_OBSERVED_EVENT_TYPES = [
  'OrderPlaced',
  'OrderConfirmed',
  'OrderCancelled',
  'StockReserved',
  'StockReservationReleased',
  'PaymentRequested',
  'PaymentCaptured',
  'PaymentFailed',
  'PaymentRefundRequested',
] as const;

/** The checkout command recording an event observed on the subscription; undefined if it is none of ours. */
export const factFromEvent = (stored: StoredEvent): CheckoutCommand | undefined => {
  const { event } = stored;
  const metadata = { now: new Date(stored.metadata.occurredAt) };
  if (isOrderEvent(event)) {
    const { orderId } = event.data;
    switch (event.type) {
      case 'OrderPlaced': {
        const { customerId, lines, totalCents, currency } = event.data;
        const checkoutLines = lines.map(({ productId, quantity }) => ({ productId, quantity }));
        return checkoutCommand(
          'RecordOrderPlaced',
          { orderId, customerId, lines: checkoutLines, totalCents, currency },
          metadata,
        );
      }
      case 'OrderConfirmed':
        return checkoutCommand('RecordOrderConfirmed', { orderId }, metadata);
      case 'OrderCancelled':
        return checkoutCommand('RecordOrderCancelled', { orderId, reason: event.data.reason }, metadata);
      case 'OrderShipped':
        return undefined;
    }
  }
  if (isProductEvent(event)) {
    switch (event.type) {
      case 'StockReserved':
        return checkoutCommand('RecordStockReserved', event.data, metadata);
      case 'StockReservationReleased': {
        const { orderId, productId } = event.data;
        return checkoutCommand('RecordStockReleased', { orderId, productId }, metadata);
      }
      case 'ProductRegistered':
      case 'ProductPriceChanged':
      case 'StockReceived':
      case 'StockReservationCommitted':
        return undefined;
    }
  }
  if (isPaymentEvent(event)) {
    const { orderId } = event.data;
    switch (event.type) {
      case 'PaymentRequested':
        return checkoutCommand(
          'RecordPaymentRequested',
          { orderId, amountCents: event.data.amountCents },
          metadata,
        );
      case 'PaymentCaptured':
        return checkoutCommand(
          'RecordPaymentCaptured',
          { orderId, providerRef: event.data.providerRef },
          metadata,
        );
      case 'PaymentFailed':
        return checkoutCommand('RecordPaymentFailed', { orderId, reason: event.data.reason }, metadata);
      case 'PaymentRefundRequested':
        return checkoutCommand('RecordRefundRequested', { orderId }, metadata);
      case 'PaymentAuthorized':
      case 'PaymentReconciled': // a charge found after all arrives as PaymentRefundRequested
      case 'PaymentRefunded':
        return undefined;
    }
  }
  return undefined;
};

export type ActionCommand =
  | { readonly context: 'inventory'; readonly streamName: string; readonly command: ProductCommand }
  | { readonly context: 'payments'; readonly streamName: string; readonly command: PaymentCommand }
  | { readonly context: 'ordering'; readonly streamName: string; readonly command: OrderCommand };

/** The command (and its stream) that carries out `action`, with the action's idempotency key. */
export const actionCommand = (
  action: CheckoutAction,
  metadata: Pick<CommandMetadata, 'now'>,
): ActionCommand => {
  const meta = { now: metadata.now, idempotencyKey: action.idempotencyKey };
  const { orderId } = action;
  switch (action.type) {
    case 'ReserveStock': {
      const { productId, quantity } = action;
      const command = reserveStock({ productId, orderId, quantity }, meta);
      return { context: 'inventory', streamName: productStreamName(productId), command };
    }
    case 'ReleaseReservation': {
      const command = releaseReservation({ productId: action.productId, orderId }, meta);
      return { context: 'inventory', streamName: productStreamName(action.productId), command };
    }
    case 'RequestPayment': {
      const command = requestPayment(
        { orderId, amountCents: action.amountCents, currency: action.currency },
        meta,
      );
      return { context: 'payments', streamName: paymentStreamName(orderId), command };
    }
    case 'RefundPayment':
      return {
        context: 'payments',
        streamName: paymentStreamName(orderId),
        command: refund({ orderId, reason: action.reason }, meta),
      };
    case 'ConfirmOrder':
      return {
        context: 'ordering',
        streamName: orderStreamName(orderId),
        command: confirmOrder({ orderId }, meta),
      };
    case 'CancelOrder':
      return {
        context: 'ordering',
        streamName: orderStreamName(orderId),
        command: cancelOrder({ orderId, reason: action.reason }, meta),
      };
  }
};

/**
 * The fact to record once `action`'s command was accepted (whether it appended events or was a no-op:
 * either way the target now is in the state the action asked for).
 */
export const factFromActionSuccess = (action: CheckoutAction, now: Date): CheckoutCommand => {
  const metadata = { now };
  const { orderId } = action;
  switch (action.type) {
    case 'ReserveStock':
      return checkoutCommand(
        'RecordStockReserved',
        { orderId, productId: action.productId, quantity: action.quantity },
        metadata,
      );
    case 'ReleaseReservation':
      return checkoutCommand('RecordStockReleased', { orderId, productId: action.productId }, metadata);
    case 'RequestPayment':
      return checkoutCommand(
        'RecordPaymentRequested',
        { orderId, amountCents: action.amountCents },
        metadata,
      );
    case 'RefundPayment':
      return checkoutCommand('RecordRefundRequested', { orderId }, metadata);
    case 'ConfirmOrder':
      return checkoutCommand('RecordOrderConfirmed', { orderId }, metadata);
    case 'CancelOrder':
      return checkoutCommand('RecordOrderCancelled', { orderId, reason: action.reason }, metadata);
  }
};

const isRefusal = (error: unknown): error is DomainError =>
  isDomainError(error) && ['validation', 'not_found', 'rule_violated'].includes(error.category);

/**
 * The fact to record when `action`'s command was refused. Only a refused reservation is a fact the
 * checkout acts on (it compensates). Anything else returns undefined: a refused ConfirmOrder means the order
 * was cancelled meanwhile, and that OrderCancelled arrives through the subscription; an unavailable or
 * concurrency error is transient and the action is simply run again.
 */
export const factFromActionRejection = (
  action: CheckoutAction,
  error: unknown,
  now: Date,
): CheckoutCommand | undefined => {
  if (action.type !== 'ReserveStock' || !isRefusal(error)) return undefined;
  return checkoutCommand(
    'RecordStockReservationRejected',
    { orderId: action.orderId, productId: action.productId, code: error.code, reason: error.message },
    { now },
  );
};
