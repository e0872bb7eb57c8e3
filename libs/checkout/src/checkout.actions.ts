import { type ActiveCheckout, type CheckoutState } from './checkout.state';

/**
 * What the wiring must do next. Each action becomes one command on another aggregate, sent with
 * `metadata.idempotencyKey = action.idempotencyKey`. Keys are derived from the order (and product) only,
 * so re-running an action after a crash is recognised as the same command and never reserves, charges,
 * refunds or cancels twice.
 */
export type CheckoutAction =
  | {
      readonly type: 'ReserveStock';
      readonly idempotencyKey: string;
      readonly orderId: string;
      readonly productId: string;
      readonly quantity: number;
    }
  | {
      readonly type: 'RequestPayment';
      readonly idempotencyKey: string;
      readonly orderId: string;
      readonly amountCents: number;
      readonly currency: string;
    }
  | { readonly type: 'ConfirmOrder'; readonly idempotencyKey: string; readonly orderId: string }
  | {
      readonly type: 'ReleaseReservation';
      readonly idempotencyKey: string;
      readonly orderId: string;
      readonly productId: string;
    }
  | {
      readonly type: 'RefundPayment';
      readonly idempotencyKey: string;
      readonly orderId: string;
      readonly reason: string;
    }
  | {
      readonly type: 'CancelOrder';
      readonly idempotencyKey: string;
      readonly orderId: string;
      readonly reason: string;
    };

export type CheckoutActionType = CheckoutAction['type'];

export const checkoutIdempotencyKey = {
  reserve: (orderId: string, productId: string) => `checkout:${orderId}:reserve:${productId}`,
  payment: (orderId: string) => `checkout:${orderId}:payment`,
  confirm: (orderId: string) => `checkout:${orderId}:confirm`,
  release: (orderId: string, productId: string) => `checkout:${orderId}:release:${productId}`,
  refund: (orderId: string) => `checkout:${orderId}:refund`,
  cancel: (orderId: string) => `checkout:${orderId}:cancel`,
} as const;

const compensations = (state: ActiveCheckout): CheckoutAction[] => {
  const { orderId } = state;
  // Order and payment reasons are bounded to 500 characters; a provider's message could be longer.
  const reason = (state.failure?.reason ?? 'Checkout failed').slice(0, 500);
  const actions: CheckoutAction[] = state.lines
    // Pending lines are released too: their reservation may have landed just before a crash, unrecorded.
    // Releasing a reservation that does not exist is a no-op in inventory, and it settles the line here.
    .filter((line) => line.reservation === 'pending' || line.reservation === 'reserved')
    .map((line) => ({
      type: 'ReleaseReservation',
      idempotencyKey: checkoutIdempotencyKey.release(orderId, line.productId),
      orderId,
      productId: line.productId,
    }));
  if (state.payment === 'captured') {
    actions.push({
      type: 'RefundPayment',
      idempotencyKey: checkoutIdempotencyKey.refund(orderId),
      orderId,
      reason,
    });
  }
  if (state.order !== 'cancelled') {
    actions.push({
      type: 'CancelOrder',
      idempotencyKey: checkoutIdempotencyKey.cancel(orderId),
      orderId,
      reason,
    });
  }
  return actions;
};

/**
 * The actions the state calls for, in the order they should run; `[]` when the checkout is waiting for an
 * outside fact (the payment outcome) or is done. Pure and stable: the same state always yields the same
 * actions with the same keys, which is what makes crash-replay safe.
 */
export const nextActions = (state: CheckoutState): readonly CheckoutAction[] => {
  if (state.status === 'none') return [];
  const { orderId } = state;
  switch (state.status) {
    case 'reserving':
      return state.lines
        .filter((line) => line.reservation === 'pending')
        .map((line) => ({
          type: 'ReserveStock',
          idempotencyKey: checkoutIdempotencyKey.reserve(orderId, line.productId),
          orderId,
          productId: line.productId,
          quantity: line.quantity,
        }));
    case 'paying':
      return state.payment === 'not_requested'
        ? [
            {
              type: 'RequestPayment',
              idempotencyKey: checkoutIdempotencyKey.payment(orderId),
              orderId,
              amountCents: state.totalCents,
              currency: state.currency,
            },
          ]
        : [];
    case 'confirming':
      return [{ type: 'ConfirmOrder', idempotencyKey: checkoutIdempotencyKey.confirm(orderId), orderId }];
    case 'compensating':
      return compensations(state);
    case 'completed':
    case 'compensated':
      return [];
  }
};
