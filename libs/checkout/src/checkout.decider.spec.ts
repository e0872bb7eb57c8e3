import { deciderSpec, NotFoundError, RuleViolatedError, ValidationError } from '@shop/event-sourcing';
import { checkoutCommand } from './checkout.commands';
import { checkoutDecider } from './checkout.decider';
import { checkoutEvent, type CheckoutStatus } from './checkout.events';

const orderId = '0b7f4b52-2c1e-4f0a-8a8e-3f1b2c3d4e01';
const p1 = '6f1c1b0e-8a3d-4c55-9a51-0d6f3c2b1a01';
const p2 = '6f1c1b0e-8a3d-4c55-9a51-0d6f3c2b1a02';
const meta = { now: new Date('2026-03-01T10:00:00.000Z') };
const lines = [
  { productId: p1, quantity: 2 },
  { productId: p2, quantity: 1 },
];
const placed = { orderId, customerId: 'cust-1', lines, totalCents: 3098, currency: 'EUR' };

const started = checkoutEvent('CheckoutStarted', placed);
const reserved1 = checkoutEvent('CheckoutStockReserved', { orderId, productId: p1, quantity: 2 });
const reserved2 = checkoutEvent('CheckoutStockReserved', { orderId, productId: p2, quantity: 1 });
const rejected2 = checkoutEvent('CheckoutStockReservationRejected', {
  orderId,
  productId: p2,
  code: 'insufficient_stock',
  reason: 'Only 0 unit(s) available',
});
const released1 = checkoutEvent('CheckoutStockReleased', { orderId, productId: p1 });
const released2 = checkoutEvent('CheckoutStockReleased', { orderId, productId: p2 });
const paymentRequested = checkoutEvent('CheckoutPaymentRequested', { orderId, amountCents: 3098 });
const captured = checkoutEvent('CheckoutPaymentCaptured', { orderId, providerRef: 'pay_1' });
const failed = checkoutEvent('CheckoutPaymentFailed', { orderId, reason: 'declined: card expired' });
const refundRequested = checkoutEvent('CheckoutRefundRequested', { orderId });
const confirmed = checkoutEvent('CheckoutOrderConfirmed', { orderId });
const cancelled = (reason: string) => checkoutEvent('CheckoutOrderCancelled', { orderId, reason });
const status = (previousStatus: CheckoutStatus, to: CheckoutStatus) =>
  checkoutEvent('CheckoutStatusChanged', { orderId, previousStatus, status: to });
const compensation = (
  previousStatus: 'reserving' | 'paying' | 'confirming' | 'completed',
  code: 'reservation_rejected' | 'payment_failed' | 'order_cancelled',
  reason: string,
) => checkoutEvent('CheckoutCompensationStarted', { orderId, previousStatus, code, reason });

const record = {
  placed: checkoutCommand('RecordOrderPlaced', placed, meta),
  reserved: (productId: string, quantity: number) =>
    checkoutCommand('RecordStockReserved', { orderId, productId, quantity }, meta),
  rejected: (productId: string) =>
    checkoutCommand(
      'RecordStockReservationRejected',
      { orderId, productId, code: 'insufficient_stock', reason: 'Only 0 unit(s) available' },
      meta,
    ),
  released: (productId: string) => checkoutCommand('RecordStockReleased', { orderId, productId }, meta),
  paymentRequested: checkoutCommand('RecordPaymentRequested', { orderId, amountCents: 3098 }, meta),
  captured: checkoutCommand('RecordPaymentCaptured', { orderId, providerRef: 'pay_1' }, meta),
  failed: checkoutCommand('RecordPaymentFailed', { orderId, reason: 'declined: card expired' }, meta),
  refundRequested: checkoutCommand('RecordRefundRequested', { orderId }, meta),
  confirmed: checkoutCommand('RecordOrderConfirmed', { orderId }, meta),
  cancelled: (reason: string) => checkoutCommand('RecordOrderCancelled', { orderId, reason }, meta),
};

const reservedAll = [started, reserved1, reserved2, status('reserving', 'paying')];
const paid = [...reservedAll, paymentRequested, captured, status('paying', 'confirming')];
const completed = [...paid, confirmed, status('confirming', 'completed')];
const rejectedReason = `Stock could not be reserved for product ${p2} (insufficient_stock)`;

const { given } = deciderSpec(checkoutDecider);

describe('checkout decider', () => {
  describe('RecordOrderPlaced', () => {
    it('starts the checkout', () => given([]).when(record.placed).then([started]));
    it('is a no-op once started', () => given([started]).when(record.placed).thenNothingHappened());
    it('refuses facts that are not an order', () =>
      given([])
        .when(checkoutCommand('RecordOrderPlaced', { ...placed, lines: [] }, meta))
        .thenThrows(ValidationError, 'invalid_order_facts'));
  });

  describe('RecordStockReserved', () => {
    it('records a reservation', () => given([started]).when(record.reserved(p1, 2)).then([reserved1]));
    it('moves on to paying when the last line is reserved', () =>
      given([started, reserved1])
        .when(record.reserved(p2, 1))
        .then([reserved2, status('reserving', 'paying')]));
    it('is a no-op when recorded twice, or after the line was released', () => {
      given([started, reserved1]).when(record.reserved(p1, 2)).thenNothingHappened();
      given([
        started,
        reserved1,
        rejected2,
        compensation('reserving', 'reservation_rejected', rejectedReason),
        released1,
      ])
        .when(record.reserved(p1, 2))
        .thenNothingHappened();
    });
    it('refuses an unknown line, another quantity, or a checkout never started', () => {
      given([started])
        .when(record.reserved('6f1c1b0e-8a3d-4c55-9a51-0d6f3c2b1a09', 1))
        .thenThrows(RuleViolatedError, 'unknown_checkout_line');
      given([started]).when(record.reserved(p1, 3)).thenThrows(RuleViolatedError, 'conflicting_fact');
      given([]).when(record.reserved(p1, 2)).thenThrows(NotFoundError, 'checkout_not_found');
    });
  });

  describe('RecordStockReservationRejected', () => {
    it('starts compensating', () =>
      given([started, reserved1])
        .when(record.rejected(p2))
        .then([rejected2, compensation('reserving', 'reservation_rejected', rejectedReason)]));
    it('is a no-op twice, or when the stock was in fact reserved', () => {
      given([
        started,
        reserved1,
        rejected2,
        compensation('reserving', 'reservation_rejected', rejectedReason),
      ])
        .when(record.rejected(p2))
        .thenNothingHappened();
      given([started, reserved1, reserved2]).when(record.rejected(p2)).thenNothingHappened();
    });
    it('refuses an unknown line', () =>
      given([started])
        .when(record.rejected('6f1c1b0e-8a3d-4c55-9a51-0d6f3c2b1a09'))
        .thenThrows(RuleViolatedError, 'unknown_checkout_line'));
  });

  describe('RecordStockReleased', () => {
    const compensating = [
      started,
      reserved1,
      rejected2,
      compensation('reserving', 'reservation_rejected', rejectedReason),
    ];
    it('records a release', () => given(compensating).when(record.released(p1)).then([released1]));
    it('is a no-op twice', () =>
      given([...compensating, released1])
        .when(record.released(p1))
        .thenNothingHappened());
    it('refuses an unknown line', () =>
      given(compensating)
        .when(record.released('6f1c1b0e-8a3d-4c55-9a51-0d6f3c2b1a09'))
        .thenThrows(RuleViolatedError, 'unknown_checkout_line'));
  });

  describe('payment facts', () => {
    it('records the request, the capture (-> confirming) and ignores repeats', () => {
      given(reservedAll).when(record.paymentRequested).then([paymentRequested]);
      given([...reservedAll, paymentRequested])
        .when(record.captured)
        .then([captured, status('paying', 'confirming')]);
      given(paid).when(record.captured).thenNothingHappened();
      given(paid).when(record.paymentRequested).thenNothingHappened();
    });
    it('compensates on failure and ignores a failure after a capture', () => {
      given([...reservedAll, paymentRequested])
        .when(record.failed)
        .then([failed, compensation('paying', 'payment_failed', 'Payment failed: declined: card expired')]);
      given(paid).when(record.failed).thenNothingHappened();
    });
    it('refuses payment facts for a checkout never started', () =>
      given([]).when(record.captured).thenThrows(NotFoundError, 'checkout_not_found'));
    it('records a refund request, once', () => {
      const cancelledAfterCompletion = [
        ...completed,
        cancelled('customer changed mind'),
        compensation('completed', 'order_cancelled', 'Order cancelled: customer changed mind'),
      ];
      given(cancelledAfterCompletion).when(record.refundRequested).then([refundRequested]);
      given([...cancelledAfterCompletion, refundRequested])
        .when(record.refundRequested)
        .thenNothingHappened();
    });
  });

  describe('order facts', () => {
    it('completes on confirmation and ignores a repeat', () => {
      given(paid)
        .when(record.confirmed)
        .then([confirmed, status('confirming', 'completed')]);
      given(completed).when(record.confirmed).thenNothingHappened();
    });
    it('compensates when the order is cancelled from outside, even after completion', () => {
      given([started])
        .when(record.cancelled('customer request'))
        .then([
          cancelled('customer request'),
          compensation('reserving', 'order_cancelled', 'Order cancelled: customer request'),
        ]);
      given(completed)
        .when(record.cancelled('customer request'))
        .then([
          cancelled('customer request'),
          compensation('completed', 'order_cancelled', 'Order cancelled: customer request'),
        ]);
    });
    it('ends compensated once the order is cancelled and every line settled', () => {
      given([
        started,
        reserved1,
        rejected2,
        compensation('reserving', 'reservation_rejected', rejectedReason),
        released1,
      ])
        .when(record.cancelled(rejectedReason))
        .then([cancelled(rejectedReason), status('compensating', 'compensated')]);
    });
    it('ignores a confirmation after the cancellation', () => {
      given([started, cancelled('x'), compensation('reserving', 'order_cancelled', 'Order cancelled: x')])
        .when(record.confirmed)
        .thenNothingHappened();
    });
    it('refuses a malformed order id', () =>
      given([])
        .when(checkoutCommand('RecordOrderConfirmed', { orderId: 'x' }, meta))
        .thenThrows(ValidationError, 'invalid_order_id'));
  });

  it('waits for an in-doubt payment before it calls compensation done', () => {
    given([
      ...reservedAll,
      paymentRequested,
      cancelled('customer'),
      compensation('paying', 'order_cancelled', 'Order cancelled: customer'),
      released1,
    ])
      .when(record.released(p2))
      .then([released2]);
  });
});
