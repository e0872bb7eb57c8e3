import { productDecider, productStreamName, receiveStock, registerProduct } from '@shop/inventory';
import { cancelOrder, orderDecider, orderStreamName, placeOrder } from '@shop/ordering';
import { paymentDecider, paymentStreamName } from '@shop/payments';
import { nextActions } from './checkout.actions';
import { checkoutDecider } from './checkout.decider';
import { checkoutStreamName } from './checkout.streams';
import { Crash, InMemoryShop } from './testing/in-memory-shop';

const orderId = '0b7f4b52-2c1e-4f0a-8a8e-3f1b2c3d4e01';
const p1 = '6f1c1b0e-8a3d-4c55-9a51-0d6f3c2b1a01';
const p2 = '6f1c1b0e-8a3d-4c55-9a51-0d6f3c2b1a02';
const meta = { now: new Date('2026-03-01T10:00:00.000Z') };

const shopWithStock = (stock2 = 5): InMemoryShop => {
  const shop = new InMemoryShop(meta.now);
  for (const [productId, sku, stock] of [
    [p1, 'MUG', 5],
    [p2, 'CUP', stock2],
  ] as const) {
    const stream = productStreamName(productId);
    shop.handle(
      productDecider,
      stream,
      registerProduct({ productId, sku, name: sku, priceCents: 1000, currency: 'EUR' }, meta),
    );
    if (stock > 0) shop.handle(productDecider, stream, receiveStock({ productId, quantity: stock }, meta));
  }
  shop.checkpoint = shop.log.length;
  return shop;
};

const place = (shop: InMemoryShop) =>
  shop.handle(
    orderDecider,
    orderStreamName(orderId),
    placeOrder(
      {
        orderId,
        customerId: 'cust-1',
        currency: 'EUR',
        lines: [
          { productId: p1, quantity: 2, unitPriceCents: 1000 },
          { productId: p2, quantity: 1, unitPriceCents: 1000 },
        ],
      },
      meta,
    ),
  );

const checkout = (shop: InMemoryShop) => shop.state(checkoutDecider, checkoutStreamName(orderId));
const order = (shop: InMemoryShop) => shop.state(orderDecider, orderStreamName(orderId));
const payment = (shop: InMemoryShop) => shop.state(paymentDecider, paymentStreamName(orderId));
const product = (shop: InMemoryShop, id: string) => shop.state(productDecider, productStreamName(id));
const reservations = (shop: InMemoryShop, id: string) => {
  const state = product(shop, id);
  return state.status === 'registered' ? state.reservations : {};
};

describe('checkout process manager, end to end over the real deciders', () => {
  it('happy path: reserves every line, takes the payment, confirms the order', () => {
    const shop = shopWithStock();
    place(shop);
    shop.drain();
    expect(checkout(shop)).toMatchObject({ status: 'completed', payment: 'captured', order: 'confirmed' });
    expect(order(shop).status).toBe('confirmed');
    expect(payment(shop)).toMatchObject({ status: 'captured', amountCents: 3000 });
    expect(reservations(shop, p1)).toEqual({ [orderId]: 2 });
    expect(reservations(shop, p2)).toEqual({ [orderId]: 1 });
    expect(nextActions(checkout(shop))).toEqual([]);
  });

  it('the second line cannot be reserved: releases the first and cancels the order', () => {
    const shop = shopWithStock(0);
    place(shop);
    shop.drain();
    expect(checkout(shop)).toMatchObject({
      status: 'compensated',
      failure: { code: 'reservation_rejected' },
      lines: [
        { productId: p1, reservation: 'released' },
        { productId: p2, reservation: 'rejected', rejection: 'insufficient_stock' },
      ],
    });
    expect(order(shop)).toMatchObject({ status: 'cancelled' });
    expect(shop.events(orderStreamName(orderId)).at(-1)?.data).toMatchObject({
      reason: `Stock could not be reserved for product ${p2} (insufficient_stock)`,
    });
    expect(reservations(shop, p1)).toEqual({});
    expect(shop.events(paymentStreamName(orderId))).toEqual([]);
  });

  it('the payment fails: releases every line and cancels the order with the reason', () => {
    const shop = shopWithStock();
    shop.paymentBehaviour = 'decline';
    place(shop);
    shop.drain();
    expect(checkout(shop)).toMatchObject({ status: 'compensated', failure: { code: 'payment_failed' } });
    expect(order(shop)).toMatchObject({ status: 'cancelled' });
    expect(shop.events(orderStreamName(orderId)).at(-1)?.data).toMatchObject({
      reason: 'Payment failed: declined: card expired',
    });
    expect(reservations(shop, p1)).toEqual({});
    expect(reservations(shop, p2)).toEqual({});
  });

  it('a confirmed order cancelled by the customer: releases the stock and refunds', () => {
    const shop = shopWithStock();
    place(shop);
    shop.drain();
    shop.handle(
      orderDecider,
      orderStreamName(orderId),
      cancelOrder({ orderId, reason: 'changed my mind' }, meta),
    );
    shop.drain();
    expect(checkout(shop)).toMatchObject({ status: 'compensated', failure: { code: 'order_cancelled' } });
    expect(payment(shop).status).toBe('refunded');
    expect(reservations(shop, p1)).toEqual({});
  });

  it('crash-replay: re-observing every fact changes nothing, and nextActions is stable', () => {
    const shop = shopWithStock();
    place(shop);
    shop.drain();
    const before = shop.log.length;
    const actionsBefore = nextActions(checkout(shop));
    shop.checkpoint = 0;
    shop.drain();
    expect(shop.log.length).toBe(before);
    expect(nextActions(checkout(shop))).toEqual(actionsBefore);
  });

  it.each(['capture', 'decline'] as const)(
    'a crash after any step resumes to the same end state without double effects (payment %s)',
    (behaviour) => {
      const reference = shopWithStock();
      reference.paymentBehaviour = behaviour;
      place(reference);
      reference.drain();
      let crashAt = 0;
      for (; ; crashAt += 1) {
        const shop = shopWithStock();
        shop.paymentBehaviour = behaviour;
        place(shop);
        shop.crashAfter = crashAt;
        let crashed = false;
        try {
          shop.drain();
        } catch (error) {
          if (!(error instanceof Crash)) throw error;
          crashed = true;
        }
        shop.crashAfter = Infinity;
        shop.drain(); // the restarted process resumes from the unchanged checkpoint
        expect(checkout(shop)).toEqual(checkout(reference));
        expect(order(shop)).toEqual(order(reference));
        expect(payment(shop)).toEqual(payment(reference));
        for (const id of [p1, p2]) {
          expect(shop.count(productStreamName(id), 'StockReserved')).toBe(1);
          expect(product(shop, id)).toEqual(product(reference, id));
        }
        expect(shop.count(paymentStreamName(orderId), 'PaymentRequested')).toBe(1);
        if (!crashed) break;
      }
      // Every step of the run was a crash point at least once.
      expect(crashAt).toBeGreaterThanOrEqual(behaviour === 'capture' ? 4 : 5);
    },
  );
});
