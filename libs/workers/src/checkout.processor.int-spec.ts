import { randomUUID } from 'node:crypto';
import { checkoutStreamName } from '@shop/checkout';
import { type StoredEvent } from '@shop/event-sourcing';
import { StreamContentionError } from '@shop/eventstore';
import { startTestEventStore, type TestEventStore } from '../../eventstore/src/testing/embedded-store';
import { productDecider, productStreamName, receiveStock, registerProduct } from '@shop/inventory';
import { orderDecider, orderStreamName, placeOrder } from '@shop/ordering';
import { checkoutProcessor } from './checkout.processor';
import { InterferedAppender } from '../../eventstore/src/testing/interfered-appender';

describe('checkout process manager: an action and the record of its outcome are one atomic write', () => {
  let es: TestEventStore;
  beforeAll(async () => {
    es = await startTestEventStore();
  });
  afterAll(() => es.stop());

  const now = new Date('2026-12-04T12:00:00.000Z');
  const signal = new AbortController().signal;

  /** A product with stock and an order of 2 of it; returns the OrderPlaced event as the subscription delivers it. */
  const placeAnOrder = async () => {
    const { store, inspector } = es.services();
    const productId = randomUUID();
    const orderId = randomUUID();
    const product = productStreamName(productId);
    await store.handle(
      productDecider,
      product,
      registerProduct(
        { productId, sku: `SKU-${productId.slice(0, 8)}`, name: 'Mug', priceCents: 900, currency: 'EUR' },
        { now },
      ),
    );
    await store.handle(productDecider, product, receiveStock({ productId, quantity: 10 }, { now }));
    const lines = [{ productId, quantity: 2, unitPriceCents: 900 }];
    await store.handle(
      orderDecider,
      orderStreamName(orderId),
      placeOrder({ orderId, customerId: 'customer-1', lines, currency: 'EUR' }, { now }),
    );
    const [placed] = (await inspector.readPage(orderStreamName(orderId))).events;
    return { productId, product, checkout: checkoutStreamName(orderId), placed: placed as StoredEvent };
  };

  const typesIn = async (stream: string) =>
    (await es.services().inspector.readPage(stream)).events.map((e) => e.event.type);

  it('writes the reservation and the checkout record in one transaction', async () => {
    const { product, checkout, placed } = await placeAnOrder();
    await checkoutProcessor(es.services().store).handle(placed, signal);

    const reserved = (await es.services().inspector.readPage(product)).events.find(
      (e) => e.event.type === 'StockReserved',
    );
    expect(reserved).toBeDefined();
    // The transaction's events are adjacent in $all: the product's StockReserved, then the checkout's record.
    const next: string[] = [];
    for await (const resolved of es.client.readAll({
      fromPosition: reserved!.position!,
      maxCount: 2,
    })) {
      next.push(`${resolved.event!.streamId}:${resolved.event!.type}`);
    }
    expect(next).toEqual([`${product}:StockReserved`, `${checkout}:CheckoutStockReserved`]);
  });

  it('writes neither the reservation nor its record when the product moved meanwhile, then both once', async () => {
    const { productId, product, checkout, placed } = await placeAnOrder();
    // Another writer (e.g. a stock delivery handled by another process) moves the product.
    const appender = new InterferedAppender(es.client, () =>
      es.services().store.handle(productDecider, product, receiveStock({ productId, quantity: 1 }, { now })),
    );
    const noRetries = es.services({ multiStreamAppender: appender, retry: { conflictRetries: 0 } });
    await expect(checkoutProcessor(noRetries.store).handle(placed, signal)).rejects.toBeInstanceOf(
      StreamContentionError,
    );
    expect(await typesIn(product)).not.toContain('StockReserved');
    expect(await typesIn(checkout)).not.toContain('CheckoutStockReserved');

    // The processor delivers the event again: now both streams get it, exactly once.
    await checkoutProcessor(es.services().store).handle(placed, signal);
    await checkoutProcessor(es.services().store).handle(placed, signal);
    expect((await typesIn(product)).filter((t) => t === 'StockReserved')).toHaveLength(1);
    expect((await typesIn(checkout)).filter((t) => t === 'CheckoutStockReserved')).toHaveLength(1);
  });
});
