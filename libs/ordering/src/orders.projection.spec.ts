import { type DomainEvent, type ProjectionWrite, type StoredEvent } from '@shop/event-sourcing';
import {
  paymentAuthorized,
  paymentCaptured,
  paymentFailed,
  paymentReconciled,
  paymentRefunded,
  paymentRefundRequested,
  paymentRequested,
} from '@shop/payments';
import { orderCancelled, orderConfirmed, orderPlaced, orderShipped } from './order.events';
import { ORDERS_COLLECTION, ordersProjection } from './orders.projection';

const orderId = '0b7f4b52-2c1e-4f0a-8a8e-3f1b2c3d4e01';
const p1 = '6f1c1b0e-8a3d-4c55-9a51-0d6f3c2b1a01';
const at = '2026-03-01T10:00:00.000Z';
const facts = {
  orderId,
  customerId: 'cust-1',
  lines: [{ productId: p1, quantity: 2, unitPriceCents: 1299, lineTotalCents: 2598 }],
  totalCents: 2598,
  currency: 'EUR',
};

const stored = <E extends DomainEvent>(event: E, revision = 0n): StoredEvent<E> => ({
  streamName: `order-${orderId}`,
  revision,
  event,
  metadata: { eventId: 'e', correlationId: 'c', causationId: 'c', schemaVersion: 1, occurredAt: at },
  recordedAt: new Date(at),
});
const write = (update: Record<string, unknown>): ProjectionWrite => ({
  collection: ORDERS_COLLECTION,
  updateOne: { filter: { _id: orderId }, update, upsert: true },
});

describe('orders projection', () => {
  it('creates the order with its lines, payment not requested and the first history entry', () => {
    expect(ordersProjection.handle(stored(orderPlaced(facts)))).toEqual([
      write({
        $set: {
          customerId: 'cust-1',
          status: 'placed',
          lines: facts.lines,
          totalCents: 2598,
          currency: 'EUR',
          placedAt: new Date(at),
          updatedAt: new Date(at),
          revision: 0,
          payment: { status: 'not_requested' },
        },
        $push: { history: { status: 'placed', at: new Date(at) } },
      }),
    ]);
  });

  it('records each status change with its time, and the reason of a cancellation', () => {
    const change = (status: string, extra = {}) =>
      write({
        $set: { status, updatedAt: new Date(at), revision: 1 },
        $push: { history: { status, at: new Date(at), ...extra } },
      });
    expect(ordersProjection.handle(stored(orderConfirmed(facts), 1n))).toEqual([change('confirmed')]);
    expect(ordersProjection.handle(stored(orderShipped(facts), 1n))).toEqual([change('shipped')]);
    expect(
      ordersProjection.handle(
        stored(orderCancelled({ ...facts, reason: 'payment failed', previousStatus: 'placed' }), 1n),
      ),
    ).toEqual([change('cancelled', { reason: 'payment failed' })]);
  });

  it('follows the payment without touching the order revision', () => {
    const payment = (status: string, extra = {}) =>
      write({ $set: { 'payment.status': status, updatedAt: new Date(at), ...extra } });
    const cases: Array<[DomainEvent, ProjectionWrite]> = [
      [paymentRequested({ orderId, amountCents: 2598, currency: 'EUR' }), payment('requested')],
      [paymentAuthorized({ orderId, providerRef: 'p' }), payment('authorized')],
      [paymentCaptured({ orderId, providerRef: 'p', amountCents: 2598 }), payment('captured')],
      [
        paymentFailed({ orderId, reason: 'declined' }),
        payment('failed', { 'payment.failureReason': 'declined' }),
      ],
      [
        paymentFailed({ orderId, reason: 'provider unavailable: timeout', outcomeUnknown: true }),
        payment('failed', {
          'payment.failureReason': 'provider unavailable: timeout',
          'payment.reconciliation': 'pending',
        }),
      ],
      [
        paymentReconciled({ orderId, providerRef: null }),
        write({ $set: { 'payment.reconciliation': 'no_charge', updatedAt: new Date(at) } }),
      ],
      [
        paymentReconciled({ orderId, providerRef: 'p' }),
        write({ $set: { 'payment.reconciliation': 'charged', updatedAt: new Date(at) } }),
      ],
      [
        paymentRefundRequested({ orderId, providerRef: 'p', amountCents: 2598, reason: 'r' }),
        payment('refund_requested'),
      ],
      [paymentRefunded({ orderId, providerRefundRef: 'r', amountCents: 2598 }), payment('refunded')],
    ];
    for (const [event, expected] of cases) {
      expect(ordersProjection.handle(stored(event as never))).toEqual([expected]);
    }
  });

  it('subscribes to order and payment events and only writes by _id', () => {
    expect(ordersProjection.eventTypes).toHaveLength(11);
    for (const event of [
      orderPlaced(facts),
      orderConfirmed(facts),
      paymentRequested({ orderId, amountCents: 1, currency: 'EUR' }),
    ]) {
      for (const w of ordersProjection.handle(stored(event))) {
        expect(w.collection).toBe(ORDERS_COLLECTION);
        expect('updateOne' in w && w.updateOne.filter).toEqual({ _id: orderId });
      }
    }
  });
});

describe('orders projection: live changes', () => {
  it('announces every order event with its customer, and payment events for the view to name the owner', () => {
    expect(ordersProjection.changes?.(stored(orderConfirmed(facts)))).toEqual([
      { topic: 'order', id: orderId, ownerId: 'cust-1' },
    ]);
    expect(
      ordersProjection.changes?.(stored(paymentRequested({ orderId, amountCents: 2598, currency: 'EUR' }))),
    ).toEqual([{ topic: 'order', id: orderId }]);
    expect(ordersProjection.owners).toEqual({
      topic: 'order',
      collection: ORDERS_COLLECTION,
      field: 'customerId',
    });
  });
});
