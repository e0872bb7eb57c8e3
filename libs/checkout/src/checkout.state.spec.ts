import { deciderSpec, NotFoundError } from '@shop/event-sourcing';
import { checkoutCommand, type CheckoutCommand } from './checkout.commands';
import { checkoutDecider } from './checkout.decider';
import { type CheckoutStatus } from './checkout.events';
import { type ActiveCheckout, type CheckoutLineState, derivedStatus } from './checkout.state';

const orderId = '0b7f4b52-2c1e-4f0a-8a8e-3f1b2c3d4e01';
const p1 = '6f1c1b0e-8a3d-4c55-9a51-0d6f3c2b1a01';
const meta = { now: new Date('2026-03-01T10:00:00.000Z') };

const line = (reservation: CheckoutLineState['reservation']): CheckoutLineState => ({
  productId: p1,
  quantity: 1,
  reservation,
  rejection: null,
});
const checkout = (patch: Partial<ActiveCheckout>): ActiveCheckout => ({
  status: 'reserving',
  orderId,
  customerId: 'c',
  totalCents: 100,
  currency: 'EUR',
  lines: [line('pending')],
  payment: 'not_requested',
  paymentFailure: null,
  order: 'placed',
  cancelReason: null,
  failure: null,
  ...patch,
});
const failure = { code: 'payment_failed' as const, reason: 'x' };

describe('checkout status table', () => {
  it.each<[string, Partial<ActiveCheckout>, CheckoutStatus]>([
    ['a line is still pending', {}, 'reserving'],
    ['every line is reserved, nothing paid', { lines: [line('reserved')] }, 'paying'],
    ['the payment is in flight', { lines: [line('reserved')], payment: 'requested' }, 'paying'],
    ['the payment is captured', { lines: [line('reserved')], payment: 'captured' }, 'confirming'],
    ['the order is free', { lines: [line('reserved')], totalCents: 0 }, 'confirming'],
    [
      'the order is confirmed',
      { lines: [line('reserved')], payment: 'captured', order: 'confirmed' },
      'completed',
    ],
    ['failed, a line still reserved', { failure, lines: [line('reserved')] }, 'compensating'],
    ['failed, order not yet cancelled', { failure, lines: [line('released')] }, 'compensating'],
    [
      'failed, payment still in doubt',
      { failure, lines: [line('released')], order: 'cancelled', payment: 'requested' },
      'compensating',
    ],
    [
      'failed, captured but not refunded',
      { failure, lines: [line('released')], order: 'cancelled', payment: 'captured' },
      'compensating',
    ],
    [
      'failed, all settled',
      { failure, lines: [line('released')], order: 'cancelled', payment: 'failed' },
      'compensated',
    ],
    [
      'failed, refund requested',
      { failure, lines: [line('rejected')], order: 'cancelled', payment: 'refund_requested' },
      'compensated',
    ],
  ])('%s -> %s', (_case, patch, expected) => {
    expect(derivedStatus(checkout(patch))).toBe(expected);
  });
});

describe('recording a fact without a checkout', () => {
  const { given } = deciderSpec(checkoutDecider);
  const commands: CheckoutCommand[] = [
    checkoutCommand('RecordStockReserved', { orderId, productId: p1, quantity: 1 }, meta),
    checkoutCommand(
      'RecordStockReservationRejected',
      { orderId, productId: p1, code: 'c', reason: 'r' },
      meta,
    ),
    checkoutCommand('RecordStockReleased', { orderId, productId: p1 }, meta),
    checkoutCommand('RecordPaymentRequested', { orderId, amountCents: 1 }, meta),
    checkoutCommand('RecordPaymentCaptured', { orderId, providerRef: 'p' }, meta),
    checkoutCommand('RecordPaymentFailed', { orderId, reason: 'r' }, meta),
    checkoutCommand('RecordRefundRequested', { orderId }, meta),
    checkoutCommand('RecordOrderConfirmed', { orderId }, meta),
    checkoutCommand('RecordOrderCancelled', { orderId, reason: 'r' }, meta),
  ];
  it.each(commands.map((c) => [c.type, c] as const))(
    '%s is refused as checkout_not_found',
    (_type, command) => {
      given([]).when(command).thenThrows(NotFoundError, 'checkout_not_found');
    },
  );
});
