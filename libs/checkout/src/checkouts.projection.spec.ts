import { type StoredEvent } from '@shop/event-sourcing';
import { checkoutEvent, type CheckoutEvent } from './checkout.events';
import { CHECKOUTS_COLLECTION, checkoutsProjection } from './checkouts.projection';
import { checkoutStreamName, orderIdFromCheckoutStreamName } from './checkout.streams';

const orderId = '0b7f4b52-2c1e-4f0a-8a8e-3f1b2c3d4e01';
const p1 = '6f1c1b0e-8a3d-4c55-9a51-0d6f3c2b1a01';
const at = '2026-03-01T10:00:00.000Z';

const stored = (event: CheckoutEvent): StoredEvent<CheckoutEvent> => ({
  streamName: `checkout-${orderId}`,
  revision: 0n,
  event,
  metadata: { eventId: 'e', correlationId: 'c', causationId: 'c', schemaVersion: 1, occurredAt: at },
  recordedAt: new Date(at),
});
const set = (fields: Record<string, unknown>) => ({
  collection: CHECKOUTS_COLLECTION,
  updateOne: {
    filter: { _id: orderId },
    update: { $set: { ...fields, updatedAt: new Date(at) } },
    upsert: true,
  },
});

const every: CheckoutEvent[] = [
  checkoutEvent('CheckoutStarted', {
    orderId,
    customerId: 'cust-1',
    lines: [{ productId: p1, quantity: 2 }],
    totalCents: 2000,
    currency: 'EUR',
  }),
  checkoutEvent('CheckoutStockReserved', { orderId, productId: p1, quantity: 2 }),
  checkoutEvent('CheckoutStockReservationRejected', {
    orderId,
    productId: p1,
    code: 'insufficient_stock',
    reason: 'r',
  }),
  checkoutEvent('CheckoutStockReleased', { orderId, productId: p1 }),
  checkoutEvent('CheckoutPaymentRequested', { orderId, amountCents: 2000 }),
  checkoutEvent('CheckoutPaymentCaptured', { orderId, providerRef: 'p' }),
  checkoutEvent('CheckoutPaymentFailed', { orderId, reason: 'declined' }),
  checkoutEvent('CheckoutRefundRequested', { orderId }),
  checkoutEvent('CheckoutOrderConfirmed', { orderId }),
  checkoutEvent('CheckoutOrderCancelled', { orderId, reason: 'r' }),
  checkoutEvent('CheckoutStatusChanged', { orderId, previousStatus: 'reserving', status: 'paying' }),
  checkoutEvent('CheckoutCompensationStarted', {
    orderId,
    previousStatus: 'paying',
    code: 'payment_failed',
    reason: 'Payment failed: declined',
  }),
];

describe('checkouts projection', () => {
  it('shows what operators need, one $set per event', () => {
    expect(every.map((event) => checkoutsProjection.handle(stored(event)))).toEqual([
      [
        set({
          status: 'reserving',
          customerId: 'cust-1',
          totalCents: 2000,
          currency: 'EUR',
          lines: { [p1]: { quantity: 2, reservation: 'pending' } },
          payment: 'not_requested',
          order: 'placed',
          failure: null,
          startedAt: new Date(at),
        }),
      ],
      [set({ [`lines.${p1}.reservation`]: 'reserved' })],
      [set({ [`lines.${p1}.reservation`]: 'rejected', [`lines.${p1}.rejection`]: 'insufficient_stock' })],
      [set({ [`lines.${p1}.reservation`]: 'released' })],
      [set({ payment: 'requested' })],
      [set({ payment: 'captured' })],
      [set({ payment: 'failed', paymentFailure: 'declined' })],
      [set({ payment: 'refund_requested' })],
      [set({ order: 'confirmed' })],
      [set({ order: 'cancelled' })],
      [set({ status: 'paying' })],
      [
        set({
          status: 'compensating',
          failure: { code: 'payment_failed', reason: 'Payment failed: declined' },
        }),
      ],
    ]);
  });

  it('subscribes to every checkout event and only upserts by _id', () => {
    expect([...checkoutsProjection.eventTypes].sort()).toEqual(every.map((e) => e.type).sort());
    for (const event of every) {
      for (const write of checkoutsProjection.handle(stored(event))) {
        expect('updateOne' in write && write.updateOne.filter).toEqual({ _id: orderId });
      }
    }
  });
});

describe('checkout stream names', () => {
  it('builds and parses checkout-<orderId>', () => {
    expect(checkoutStreamName(orderId)).toBe(`checkout-${orderId}`);
    expect(orderIdFromCheckoutStreamName(`checkout-${orderId}`)).toBe(orderId);
    expect(orderIdFromCheckoutStreamName(`order-${orderId}`)).toBeUndefined();
    expect(() => checkoutStreamName('a-b')).toThrow('lowercase UUID');
  });
});
