import { deciderSpec, NotFoundError, RuleViolatedError, ValidationError } from '@shop/event-sourcing';
import {
  commitReservation,
  changePrice,
  receiveStock,
  registerProduct,
  releaseReservation,
  reserveStock,
} from './product.commands';
import { productDecider } from './product.decider';
import {
  productPriceChanged,
  productRegistered,
  stockReceived,
  stockReservationCommitted,
  stockReservationReleased,
  stockReserved,
  type ProductEvent,
} from './product.events';
import { SETTLED_REMEMBERED, settledCount } from './settled-reservations';

const productId = '6f1c1b0e-8a3d-4c55-9a51-0d6f3c2b1a01';
const orderA = '0b7f4b52-2c1e-4f0a-8a8e-3f1b2c3d4e01';
const orderB = '0b7f4b52-2c1e-4f0a-8a8e-3f1b2c3d4e02';
const meta = { now: new Date('2026-03-01T10:00:00.000Z') };
const product = { productId, sku: 'MUG-01', name: 'Blue mug', priceCents: 1299, currency: 'EUR' };

const registered = productRegistered(product);
const received = (quantity: number) => stockReceived({ productId, quantity });
const reserved = (orderId: string, quantity: number) => stockReserved({ productId, orderId, quantity });
const released = (orderId: string, quantity: number) =>
  stockReservationReleased({ productId, orderId, quantity });
const committed = (orderId: string, quantity: number) =>
  stockReservationCommitted({ productId, orderId, quantity });

const { given } = deciderSpec(productDecider);

describe('product decider', () => {
  describe('RegisterProduct', () => {
    it('registers a new product with a trimmed name', () => {
      given([])
        .when(registerProduct({ ...product, name: '  Blue mug ' }, meta))
        .then([registered]);
    });
    it('is a no-op when the identical product is registered again', () => {
      given([registered]).when(registerProduct(product, meta)).thenNothingHappened();
    });
    it('refuses a different product on the same id', () => {
      given([registered])
        .when(registerProduct({ ...product, priceCents: 1 }, meta))
        .thenThrows(RuleViolatedError, 'product_already_registered');
    });
    it.each([
      ['invalid_product_id', { productId: 'not-a-uuid' }],
      ['invalid_product_id', { productId: productId.toUpperCase() }],
      ['invalid_sku', { sku: '' }],
      ['invalid_sku', { sku: 'has space' }],
      ['invalid_name', { name: '   ' }],
      ['invalid_name', { name: 'x'.repeat(201) }],
      ['invalid_price', { priceCents: 12.5 }],
      ['invalid_price', { priceCents: -1 }],
      ['invalid_currency', { currency: 'eur' }],
    ])('rejects invalid input with %s', (code, patch) => {
      given([])
        .when(registerProduct({ ...product, ...patch }, meta))
        .thenThrows(ValidationError, code);
    });
  });

  describe('ChangePrice', () => {
    it('changes the price', () => {
      given([registered])
        .when(changePrice({ productId, priceCents: 999 }, meta))
        .then([productPriceChanged({ productId, priceCents: 999, previousPriceCents: 1299 })]);
    });
    it('is a no-op for the current price', () => {
      given([registered])
        .when(changePrice({ productId, priceCents: 1299 }, meta))
        .thenNothingHappened();
    });
    it('refuses an unknown product', () => {
      given([])
        .when(changePrice({ productId, priceCents: 999 }, meta))
        .thenThrows(NotFoundError, 'product_not_found');
    });
  });

  describe('ReceiveStock', () => {
    it('adds stock', () => {
      given([registered])
        .when(receiveStock({ productId, quantity: 5 }, meta))
        .then([received(5)]);
    });
    it('refuses an unknown product', () => {
      given([])
        .when(receiveStock({ productId, quantity: 5 }, meta))
        .thenThrows(NotFoundError, 'product_not_found');
    });
    it.each([0, -1, 1.5, 1_000_001])('rejects quantity %p', (quantity) => {
      given([registered])
        .when(receiveStock({ productId, quantity }, meta))
        .thenThrows(ValidationError, 'invalid_quantity');
    });
    it('refuses to exceed the on-hand limit', () => {
      given([registered, ...Array.from({ length: 1000 }, () => received(1_000_000))])
        .when(receiveStock({ productId, quantity: 1 }, meta))
        .thenThrows(RuleViolatedError, 'stock_limit_exceeded');
    });
  });

  describe('ReserveStock', () => {
    it('reserves available stock', () => {
      given([registered, received(5)])
        .when(reserveStock({ productId, orderId: orderA, quantity: 5 }, meta))
        .then([reserved(orderA, 5)]);
    });
    it('counts other reservations against availability (never oversells)', () => {
      given([registered, received(5), reserved(orderA, 4)])
        .when(reserveStock({ productId, orderId: orderB, quantity: 2 }, meta))
        .thenThrows(RuleViolatedError, 'insufficient_stock');
    });
    it('reports what was requested and what is available', () => {
      const state = [registered, received(3)].reduce(productDecider.evolve, productDecider.initialState());
      let thrown: unknown;
      try {
        productDecider.decide(reserveStock({ productId, orderId: orderA, quantity: 4 }, meta), state);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(RuleViolatedError);
      expect((thrown as RuleViolatedError).details).toEqual({ productId, requested: 4, available: 3 });
    });
    it('frees stock again once a reservation is released', () => {
      given([registered, received(5), reserved(orderA, 4), released(orderA, 4)])
        .when(reserveStock({ productId, orderId: orderB, quantity: 5 }, meta))
        .then([reserved(orderB, 5)]);
    });
    it('is a no-op when the same order reserves the same quantity again', () => {
      given([registered, received(5), reserved(orderA, 5)])
        .when(reserveStock({ productId, orderId: orderA, quantity: 5 }, meta))
        .thenNothingHappened();
    });
    it('refuses a different quantity for an order that already reserved', () => {
      given([registered, received(5), reserved(orderA, 2)])
        .when(reserveStock({ productId, orderId: orderA, quantity: 3 }, meta))
        .thenThrows(RuleViolatedError, 'reservation_conflict');
    });
    it.each([
      ['released', released(orderA, 2)],
      ['committed', committed(orderA, 2)],
    ])('refuses to reserve again for an order whose reservation was %s', (_outcome, settled) => {
      given([registered, received(5), reserved(orderA, 2), settled])
        .when(reserveStock({ productId, orderId: orderA, quantity: 2 }, meta))
        .thenThrows(RuleViolatedError, 'reservation_settled');
    });
    it('refuses an unknown product and an invalid order id', () => {
      given([])
        .when(reserveStock({ productId, orderId: orderA, quantity: 1 }, meta))
        .thenThrows(NotFoundError, 'product_not_found');
      given([registered])
        .when(reserveStock({ productId, orderId: 'x', quantity: 1 }, meta))
        .thenThrows(ValidationError, 'invalid_order_id');
    });
  });

  describe('ReleaseReservation', () => {
    it('releases an open reservation', () => {
      given([registered, received(5), reserved(orderA, 3)])
        .when(releaseReservation({ productId, orderId: orderA }, meta))
        .then([released(orderA, 3)]);
    });
    it('is a no-op for an unknown or already released reservation', () => {
      given([registered, received(5)])
        .when(releaseReservation({ productId, orderId: orderA }, meta))
        .thenNothingHappened();
      given([registered, received(5), reserved(orderA, 3), released(orderA, 3)])
        .when(releaseReservation({ productId, orderId: orderA }, meta))
        .thenNothingHappened();
    });
    it('refuses to release shipped stock', () => {
      given([registered, received(5), reserved(orderA, 3), committed(orderA, 3)])
        .when(releaseReservation({ productId, orderId: orderA }, meta))
        .thenThrows(RuleViolatedError, 'reservation_committed');
    });
  });

  describe('CommitReservation', () => {
    it('commits an open reservation', () => {
      given([registered, received(5), reserved(orderA, 3)])
        .when(commitReservation({ productId, orderId: orderA }, meta))
        .then([committed(orderA, 3)]);
    });
    it('is a no-op when already committed', () => {
      given([registered, received(5), reserved(orderA, 3), committed(orderA, 3)])
        .when(commitReservation({ productId, orderId: orderA }, meta))
        .thenNothingHappened();
    });
    it('refuses without an open reservation', () => {
      given([registered, received(5)])
        .when(commitReservation({ productId, orderId: orderA }, meta))
        .thenThrows(RuleViolatedError, 'reservation_not_found');
      given([registered, received(5), reserved(orderA, 3), released(orderA, 3)])
        .when(commitReservation({ productId, orderId: orderA }, meta))
        .thenThrows(RuleViolatedError, 'reservation_released');
    });
  });

  it('keeps on hand and reservations consistent after a commit', () => {
    const state = [
      registered,
      received(5),
      reserved(orderA, 3),
      reserved(orderB, 2),
      committed(orderA, 3),
    ].reduce(productDecider.evolve, productDecider.initialState());
    expect(state).toMatchObject({
      onHand: 2,
      reservations: { [orderB]: 2 },
      settled: { recent: [[orderA, 'committed']], older: [] },
    });
  });

  describe('a product with a long order history', () => {
    const orderId = (i: number) => `0b7f4b52-2c1e-4f0a-8a8e-${i.toString(16).padStart(12, '0')}`;
    /** `orders` orders, each reserved one unit and then committed (even) or released (odd). */
    const history = (orders: number) => {
      const events: ProductEvent[] = [registered, received(orders)];
      for (let i = 0; i < orders; i++) {
        events.push(
          reserved(orderId(i), 1),
          i % 2 === 0 ? committed(orderId(i), 1) : released(orderId(i), 1),
        );
      }
      return events;
    };
    const folded = history(10_000).reduce(productDecider.evolve, productDecider.initialState());

    it('keeps only open reservations and a bounded memory of settled ones', () => {
      if (folded.status !== 'registered') throw new Error('not registered');
      expect(folded.reservations).toEqual({});
      expect(settledCount(folded.settled)).toBeGreaterThanOrEqual(SETTLED_REMEMBERED);
      expect(settledCount(folded.settled)).toBeLessThanOrEqual(SETTLED_REMEMBERED + 64);
      expect(JSON.stringify(folded).length).toBeLessThan(100_000);
      expect(folded.onHand).toBe(5_000);
    });
    /** What the decider answers on the folded history: the events, or the code of its refusal. */
    const outcome = (command: Parameters<typeof productDecider.decide>[0]): unknown => {
      try {
        return productDecider.decide(command, folded);
      } catch (error) {
        return (error as RuleViolatedError).code;
      }
    };
    it('still recognises the latest settlements: no-ops and refusals', () => {
      const committedLast = orderId(9_998);
      const releasedLast = orderId(9_999);
      expect(outcome(commitReservation({ productId, orderId: committedLast }, meta))).toEqual([]);
      expect(outcome(releaseReservation({ productId, orderId: releasedLast }, meta))).toEqual([]);
      expect(outcome(releaseReservation({ productId, orderId: committedLast }, meta))).toBe(
        'reservation_committed',
      );
      expect(outcome(commitReservation({ productId, orderId: releasedLast }, meta))).toBe(
        'reservation_released',
      );
      expect(outcome(reserveStock({ productId, orderId: orderId(9_000), quantity: 1 }, meta))).toBe(
        'reservation_settled',
      );
    });
    it('treats an order settled long ago as unknown, and still reserves for new orders', () => {
      const forgotten = orderId(0);
      expect(outcome(releaseReservation({ productId, orderId: forgotten }, meta))).toEqual([]);
      expect(outcome(commitReservation({ productId, orderId: forgotten }, meta))).toBe(
        'reservation_not_found',
      );
      given(history(200))
        .when(reserveStock({ productId, orderId: orderB, quantity: 100 }, meta))
        .then([reserved(orderB, 100)]);
    });
    it('folds streams written before the bound from their events alone (no upcaster)', () => {
      // The events are unchanged; only the state's shape is new, and version-1 snapshots are ignored.
      expect(productDecider.snapshots?.schemaVersion).toBe(2);
      const short = history(3).reduce(productDecider.evolve, productDecider.initialState());
      expect(short).toMatchObject({
        onHand: 1,
        settled: {
          recent: [
            [orderId(0), 'committed'],
            [orderId(1), 'released'],
            [orderId(2), 'committed'],
          ],
        },
      });
    });
  });
});
