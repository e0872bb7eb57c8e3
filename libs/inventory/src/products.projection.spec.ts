import { type DomainEvent, type ProjectionWrite, type StoredEvent } from '@shop/event-sourcing';
import {
  productPriceChanged,
  productRegistered,
  stockReceived,
  stockReservationCommitted,
  stockReservationReleased,
  stockReserved,
  type ProductEvent,
} from './product.events';
import { PRODUCTS_COLLECTION, productsProjection } from './products.projection';

const productId = '6f1c1b0e-8a3d-4c55-9a51-0d6f3c2b1a01';
const orderId = '0b7f4b52-2c1e-4f0a-8a8e-3f1b2c3d4e01';
const at = '2026-03-01T10:00:00.000Z';

const stored = <E extends DomainEvent>(event: E, revision = 0n): StoredEvent<E> => ({
  streamName: `product-${productId}`,
  revision,
  event,
  metadata: {
    eventId: `e-${revision}`,
    correlationId: 'c',
    causationId: 'c',
    schemaVersion: 1,
    occurredAt: at,
  },
  recordedAt: new Date(at),
});

const write = (update: Record<string, unknown>): ProjectionWrite => ({
  collection: PRODUCTS_COLLECTION,
  updateOne: { filter: { _id: productId }, update, upsert: true },
});
const touched = (revision: number) => ({ updatedAt: new Date(at), revision });

describe('products projection', () => {
  it('creates the product with zero stock and a lowercased name for prefix search', () => {
    const event = productRegistered({
      productId,
      sku: 'MUG-01',
      name: 'Blue Mug',
      priceCents: 1299,
      currency: 'EUR',
    });
    expect(productsProjection.handle(stored(event))).toEqual([
      write({
        $set: {
          sku: 'MUG-01',
          name: 'Blue Mug',
          nameLower: 'blue mug',
          priceCents: 1299,
          currency: 'EUR',
          registeredAt: new Date(at),
          ...touched(0),
        },
        $setOnInsert: { onHand: 0, reserved: 0, available: 0 },
      }),
    ]);
  });

  it.each<[ProductEvent, Record<string, unknown>]>([
    [
      productPriceChanged({ productId, priceCents: 999, previousPriceCents: 1299 }),
      { $set: { priceCents: 999, ...touched(3) } },
    ],
    [stockReceived({ productId, quantity: 5 }), { $inc: { onHand: 5, available: 5 }, $set: touched(3) }],
    [
      stockReserved({ productId, orderId, quantity: 2 }),
      { $inc: { reserved: 2, available: -2 }, $set: touched(3) },
    ],
    [
      stockReservationReleased({ productId, orderId, quantity: 2 }),
      { $inc: { reserved: -2, available: 2 }, $set: touched(3) },
    ],
    [
      stockReservationCommitted({ productId, orderId, quantity: 2 }),
      { $inc: { onHand: -2, reserved: -2 }, $set: touched(3) },
    ],
  ])('%j updates stock levels', (event, update) => {
    expect(productsProjection.handle(stored(event, 3n))).toEqual([write(update)]);
  });

  it('subscribes to every product event and only writes by _id into its own collections', () => {
    const events: ProductEvent[] = [
      productRegistered({ productId, sku: 'A', name: 'A', priceCents: 1, currency: 'EUR' }),
      productPriceChanged({ productId, priceCents: 2, previousPriceCents: 1 }),
      stockReceived({ productId, quantity: 1 }),
      stockReserved({ productId, orderId, quantity: 1 }),
      stockReservationReleased({ productId, orderId, quantity: 1 }),
      stockReservationCommitted({ productId, orderId, quantity: 1 }),
    ];
    expect([...productsProjection.eventTypes].sort()).toEqual(events.map((e) => e.type).sort());
    for (const event of events) {
      for (const w of productsProjection.handle(stored(event))) {
        expect(Object.keys(productsProjection.collections)).toContain(w.collection);
        expect('updateOne' in w && w.updateOne.filter).toEqual({ _id: productId });
      }
    }
  });
});

/** Just enough of MongoDB's update semantics to check the documents the writes produce. */
const apply = (docs: Map<string, Record<string, unknown>>, writes: readonly ProjectionWrite[]) => {
  for (const w of writes) {
    if (!('updateOne' in w)) throw new Error('unexpected write');
    const id = String(w.updateOne.filter['_id']);
    const isInsert = !docs.has(id);
    const doc: Record<string, unknown> = docs.get(id) ?? { _id: id };
    const update = w.updateOne.update as Record<string, Record<string, unknown>>;
    for (const [op, fields] of Object.entries(update)) {
      for (const [path, value] of Object.entries(fields)) {
        if (op === '$set' || (op === '$setOnInsert' && isInsert)) doc[path] = value;
        if (op === '$inc') doc[path] = Number(doc[path] ?? 0) + Number(value);
      }
    }
    docs.set(id, doc);
  }
};

describe('products projection documents', () => {
  it('keeps available = onHand - reserved through a product life', () => {
    const orderB = '0b7f4b52-2c1e-4f0a-8a8e-3f1b2c3d4e02';
    const docs = new Map<string, Record<string, unknown>>();
    const events: ProductEvent[] = [
      productRegistered({ productId, sku: 'MUG-01', name: 'Mug', priceCents: 1299, currency: 'EUR' }),
      stockReceived({ productId, quantity: 10 }),
      stockReserved({ productId, orderId, quantity: 3 }),
      stockReserved({ productId, orderId: orderB, quantity: 2 }),
      stockReservationReleased({ productId, orderId: orderB, quantity: 2 }),
      stockReservationCommitted({ productId, orderId, quantity: 3 }),
    ];
    events.forEach((event, i) => apply(docs, productsProjection.handle(stored(event, BigInt(i)))));
    expect(docs.get(productId)).toMatchObject({ onHand: 7, reserved: 0, available: 7, revision: 5 });
  });
});

describe('products projection: live changes', () => {
  it('announces every product change, and stock movements on the stock topic too', () => {
    expect(
      productsProjection.changes?.(
        stored(productPriceChanged({ productId, priceCents: 1, previousPriceCents: 2 })),
      ),
    ).toEqual([{ topic: 'product', id: productId }]);
    expect(productsProjection.changes?.(stored(stockReserved({ productId, orderId, quantity: 1 })))).toEqual([
      { topic: 'product', id: productId },
      { topic: 'stock', id: productId },
    ]);
  });
});
