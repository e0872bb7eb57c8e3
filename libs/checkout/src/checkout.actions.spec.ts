import { fold } from '@shop/event-sourcing';
import { nextActions } from './checkout.actions';
import { checkoutDecider } from './checkout.decider';
import { checkoutEvent, type CheckoutEvent } from './checkout.events';

const orderId = '0b7f4b52-2c1e-4f0a-8a8e-3f1b2c3d4e01';
const p1 = '6f1c1b0e-8a3d-4c55-9a51-0d6f3c2b1a01';
const p2 = '6f1c1b0e-8a3d-4c55-9a51-0d6f3c2b1a02';

const started = (totalCents = 3098) =>
  checkoutEvent('CheckoutStarted', {
    orderId,
    customerId: 'cust-1',
    lines: [
      { productId: p1, quantity: 2 },
      { productId: p2, quantity: 1 },
    ],
    totalCents,
    currency: 'EUR',
  });
const reserved = (productId: string, quantity: number) =>
  checkoutEvent('CheckoutStockReserved', { orderId, productId, quantity });
const toStatus = (
  previousStatus: 'reserving' | 'paying' | 'confirming',
  status: 'paying' | 'confirming' | 'completed',
) => checkoutEvent('CheckoutStatusChanged', { orderId, previousStatus, status });
const compensating = (code: 'reservation_rejected' | 'payment_failed' | 'order_cancelled', reason: string) =>
  checkoutEvent('CheckoutCompensationStarted', { orderId, previousStatus: 'paying', code, reason });

const actionsAfter = (...events: CheckoutEvent[]) =>
  nextActions(fold(checkoutDecider, checkoutDecider.initialState(), events));

const reserve = (productId: string, quantity: number) => ({
  type: 'ReserveStock',
  idempotencyKey: `checkout:${orderId}:reserve:${productId}`,
  orderId,
  productId,
  quantity,
});
const release = (productId: string) => ({
  type: 'ReleaseReservation',
  idempotencyKey: `checkout:${orderId}:release:${productId}`,
  orderId,
  productId,
});
const cancel = (reason: string) => ({
  type: 'CancelOrder',
  idempotencyKey: `checkout:${orderId}:cancel`,
  orderId,
  reason,
});

describe('nextActions', () => {
  it('does nothing for a checkout that never started', () => expect(actionsAfter()).toEqual([]));

  it('reserves every line still pending', () => {
    expect(actionsAfter(started())).toEqual([reserve(p1, 2), reserve(p2, 1)]);
    expect(actionsAfter(started(), reserved(p1, 2))).toEqual([reserve(p2, 1)]);
  });

  it('requests the payment of the total once every line is reserved, then waits for its outcome', () => {
    const allReserved = [started(), reserved(p1, 2), reserved(p2, 1), toStatus('reserving', 'paying')];
    expect(actionsAfter(...allReserved)).toEqual([
      {
        type: 'RequestPayment',
        idempotencyKey: `checkout:${orderId}:payment`,
        orderId,
        amountCents: 3098,
        currency: 'EUR',
      },
    ]);
    expect(
      actionsAfter(...allReserved, checkoutEvent('CheckoutPaymentRequested', { orderId, amountCents: 3098 })),
    ).toEqual([]);
  });

  it('confirms the order after the capture, and does nothing once completed', () => {
    const captured = [
      started(),
      reserved(p1, 2),
      reserved(p2, 1),
      toStatus('reserving', 'paying'),
      checkoutEvent('CheckoutPaymentRequested', { orderId, amountCents: 3098 }),
      checkoutEvent('CheckoutPaymentCaptured', { orderId, providerRef: 'p' }),
      toStatus('paying', 'confirming'),
    ];
    expect(actionsAfter(...captured)).toEqual([
      { type: 'ConfirmOrder', idempotencyKey: `checkout:${orderId}:confirm`, orderId },
    ]);
    expect(
      actionsAfter(
        ...captured,
        checkoutEvent('CheckoutOrderConfirmed', { orderId }),
        toStatus('confirming', 'completed'),
      ),
    ).toEqual([]);
  });

  it('skips the payment of a free order', () => {
    expect(
      actionsAfter(started(0), reserved(p1, 2), reserved(p2, 1), toStatus('reserving', 'confirming')),
    ).toEqual([{ type: 'ConfirmOrder', idempotencyKey: `checkout:${orderId}:confirm`, orderId }]);
  });

  it('compensates: releases reserved and in-doubt lines, refunds a capture, cancels the order', () => {
    const reason = 'Order cancelled: customer';
    expect(
      actionsAfter(
        started(),
        reserved(p1, 2),
        checkoutEvent('CheckoutOrderCancelled', { orderId, reason: 'customer' }),
        compensating('order_cancelled', reason),
      ),
    ).toEqual([release(p1), release(p2)]);
    const afterCapture = [
      started(),
      reserved(p1, 2),
      reserved(p2, 1),
      checkoutEvent('CheckoutPaymentCaptured', { orderId, providerRef: 'p' }),
      checkoutEvent('CheckoutOrderCancelled', { orderId, reason: 'customer' }),
      compensating('order_cancelled', reason),
    ];
    expect(actionsAfter(...afterCapture)).toEqual([
      release(p1),
      release(p2),
      { type: 'RefundPayment', idempotencyKey: `checkout:${orderId}:refund`, orderId, reason },
    ]);
  });

  it('never releases a rejected line, and cancels with the failure reason (bounded)', () => {
    const long = `Payment failed: ${'x'.repeat(600)}`;
    const actions = actionsAfter(
      started(),
      reserved(p1, 2),
      checkoutEvent('CheckoutStockReservationRejected', {
        orderId,
        productId: p2,
        code: 'insufficient_stock',
        reason: 'r',
      }),
      compensating('payment_failed', long),
    );
    expect(actions).toEqual([release(p1), cancel(long.slice(0, 500))]);
  });

  it('is stable: the same state always gives the same actions', () => {
    const events = [started(), reserved(p1, 2)];
    expect(actionsAfter(...events)).toEqual(actionsAfter(...events));
  });
});
