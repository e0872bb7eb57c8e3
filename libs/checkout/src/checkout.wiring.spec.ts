import {
  type DomainEvent,
  RuleViolatedError,
  type StoredEvent,
  UnavailableError,
} from '@shop/event-sourcing';
import { PRODUCT_EVENT_TYPES, stockReceived, stockReservationReleased, stockReserved } from '@shop/inventory';
import { ORDER_EVENT_TYPES, orderCancelled, orderConfirmed, orderPlaced, orderShipped } from '@shop/ordering';
import {
  PAYMENT_EVENT_TYPES,
  paymentCaptured,
  paymentFailed,
  paymentRefundRequested,
  paymentRequested,
} from '@shop/payments';
import { REPORT_EVENT_TYPES } from '@shop/reporting';
import { type CheckoutAction } from './checkout.actions';
import { CHECKOUT_EVENT_TYPES } from './checkout.events';
import {
  actionCommand,
  CHECKOUT_OBSERVED_EVENT_TYPES,
  factFromActionRejection,
  factFromActionSuccess,
  factFromEvent,
} from './checkout.wiring';
import { commitReservationsOnShipment } from './shipment.policy';

const orderId = '0b7f4b52-2c1e-4f0a-8a8e-3f1b2c3d4e01';
const p1 = '6f1c1b0e-8a3d-4c55-9a51-0d6f3c2b1a01';
const at = '2026-03-01T10:00:00.000Z';
const now = new Date(at);
const facts = {
  orderId,
  customerId: 'cust-1',
  lines: [{ productId: p1, quantity: 2, unitPriceCents: 1000, lineTotalCents: 2000 }],
  totalCents: 2000,
  currency: 'EUR',
};
const stored = <E extends DomainEvent>(event: E): StoredEvent<E> => ({
  streamName: 'x-1',
  revision: 0n,
  event,
  metadata: { eventId: 'e', correlationId: 'c', causationId: 'c', schemaVersion: 1, occurredAt: at },
  recordedAt: now,
});

describe('checkout wiring', () => {
  it('event type strings are unique across every context', () => {
    const all = [
      ...PRODUCT_EVENT_TYPES,
      ...ORDER_EVENT_TYPES,
      ...PAYMENT_EVENT_TYPES,
      ...CHECKOUT_EVENT_TYPES,
      ...REPORT_EVENT_TYPES,
    ];
    expect(new Set(all).size).toBe(all.length);
  });

  it('translates each observed event into the fact to record, with the business time as now', () => {
    const cases: Array<[DomainEvent, string, object]> = [
      [
        orderPlaced(facts),
        'RecordOrderPlaced',
        {
          orderId,
          customerId: 'cust-1',
          lines: [{ productId: p1, quantity: 2 }],
          totalCents: 2000,
          currency: 'EUR',
        },
      ],
      [orderConfirmed(facts), 'RecordOrderConfirmed', { orderId }],
      [
        orderCancelled({ ...facts, reason: 'r', previousStatus: 'placed' }),
        'RecordOrderCancelled',
        { orderId, reason: 'r' },
      ],
      [
        stockReserved({ productId: p1, orderId, quantity: 2 }),
        'RecordStockReserved',
        { orderId, productId: p1, quantity: 2 },
      ],
      [
        stockReservationReleased({ productId: p1, orderId, quantity: 2 }),
        'RecordStockReleased',
        { orderId, productId: p1 },
      ],
      [
        paymentRequested({ orderId, amountCents: 2000, currency: 'EUR' }),
        'RecordPaymentRequested',
        { orderId, amountCents: 2000 },
      ],
      [
        paymentCaptured({ orderId, providerRef: 'p', amountCents: 2000 }),
        'RecordPaymentCaptured',
        { orderId, providerRef: 'p' },
      ],
      [paymentFailed({ orderId, reason: 'no' }), 'RecordPaymentFailed', { orderId, reason: 'no' }],
      [
        paymentRefundRequested({ orderId, providerRef: 'p', amountCents: 2000, reason: 'r' }),
        'RecordRefundRequested',
        { orderId },
      ],
    ];
    for (const [event, type, data] of cases) {
      expect(factFromEvent(stored(event))).toEqual({ type, data, metadata: { now } });
    }
    expect(cases.map(([event]) => event.type).sort()).toEqual([...CHECKOUT_OBSERVED_EVENT_TYPES].sort());
    expect(factFromEvent(stored(orderShipped(facts)))).toBeUndefined();
    expect(factFromEvent(stored(stockReceived({ productId: p1, quantity: 1 })))).toBeUndefined();
  });

  const reserve: CheckoutAction = {
    type: 'ReserveStock',
    idempotencyKey: `checkout:${orderId}:reserve:${p1}`,
    orderId,
    productId: p1,
    quantity: 2,
  };

  it('turns an action into its command, stream and idempotency key', () => {
    expect(actionCommand(reserve, { now })).toEqual({
      context: 'inventory',
      streamName: `product-${p1}`,
      command: {
        type: 'ReserveStock',
        data: { productId: p1, orderId, quantity: 2 },
        metadata: { now, idempotencyKey: reserve.idempotencyKey },
      },
    });
    const cancel: CheckoutAction = { type: 'CancelOrder', idempotencyKey: 'k', orderId, reason: 'r' };
    expect(actionCommand(cancel, { now })).toMatchObject({
      context: 'ordering',
      streamName: `order-${orderId}`,
    });
    const pay: CheckoutAction = {
      type: 'RequestPayment',
      idempotencyKey: 'k',
      orderId,
      amountCents: 1,
      currency: 'EUR',
    };
    expect(actionCommand(pay, { now })).toMatchObject({
      context: 'payments',
      streamName: `payment-${orderId}`,
    });
  });

  it('records success as the fact the action asked for', () => {
    expect(factFromActionSuccess(reserve, now)).toEqual({
      type: 'RecordStockReserved',
      data: { orderId, productId: p1, quantity: 2 },
      metadata: { now },
    });
  });

  it('records only a refused reservation as a fact; other failures are retried or explained later', () => {
    const refusal = new RuleViolatedError('insufficient_stock', 'Only 1 left', {});
    expect(factFromActionRejection(reserve, refusal, now)).toEqual({
      type: 'RecordStockReservationRejected',
      data: { orderId, productId: p1, code: 'insufficient_stock', reason: 'Only 1 left' },
      metadata: { now },
    });
    expect(factFromActionRejection(reserve, new UnavailableError('store_down', 'down'), now)).toBeUndefined();
    expect(factFromActionRejection(reserve, new Error('bug'), now)).toBeUndefined();
    const confirm: CheckoutAction = { type: 'ConfirmOrder', idempotencyKey: 'k', orderId };
    expect(
      factFromActionRejection(confirm, new RuleViolatedError('illegal_transition', 'x', {}), now),
    ).toBeUndefined();
  });

  it('commits every line reservation when an order ships', () => {
    expect(commitReservationsOnShipment(stored(orderShipped(facts)))).toEqual([
      {
        context: 'inventory',
        streamName: `product-${p1}`,
        command: {
          type: 'CommitReservation',
          data: { productId: p1, orderId },
          metadata: { now, idempotencyKey: `shipment:${orderId}:commit:${p1}` },
        },
      },
    ]);
  });
});
