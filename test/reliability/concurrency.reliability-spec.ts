import { EventStoreDBClient } from '@eventstore/db-client';
import { type Db } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { type ApiUnderTest, startApiUnderTest } from '../../apps/api/src/testing/api-under-test';
import { eventually } from '@shop/testing';

const ORDERS = 1_000;
const PRODUCTS = 10;
const UNITS_EACH = 10;
const KEYED = 50;

describe('concurrency: oversell and idempotency under contention', () => {
  let api: ApiUnderTest;
  const request = async (
    bearer: string,
    method: 'GET' | 'POST',
    url: string,
    body?: object,
    headers: Record<string, string> = {},
  ) => {
    const res = await api.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${bearer}`, ...headers },
      ...(body ? { payload: body } : {}),
    });
    return { status: res.statusCode, body: res.json<Record<string, unknown>>(), raw: res.body };
  };

  // Loaded after the app: importing them first would load @shop/config before the env below is set.
  let MONGO_DB: symbol;
  let ORDERS_COLLECTION: string;

  beforeAll(async () => {
    api = await startApiUnderTest({
      RATE_LIMIT_PER_USER: '1000000',
      RATE_LIMIT_PER_IP: '1000000',
      PAYMENT_SIM_LATENCY_MS: '1',
    });
    ({ MONGO_DB } = await import('@shop/mongo'));
    ({ ORDERS_COLLECTION } = await import('@shop/ordering'));
  }, 120_000);
  afterAll(() => api.close());

  it(`never oversells: ${ORDERS} concurrent orders against ${PRODUCTS * UNITS_EACH} units`, async () => {
    const clerk = await api.token('clerk');
    const products: string[] = [];
    for (let i = 0; i < PRODUCTS; i++) {
      const created = await request(clerk, 'POST', '/v1/products', {
        sku: `OVERSELL-${i}`,
        name: `Scarce ${i}`,
        priceCents: 500,
      });
      products.push(created.body.id as string);
      const stocked = await request(clerk, 'POST', `/v1/products/${products[i]!}/stock`, {
        quantity: UNITS_EACH,
      });
      expect(stocked.status).toBe(200);
    }
    const customer = await api.token('customer');
    const placed = await Promise.all(
      Array.from({ length: ORDERS }, (_, i) =>
        request(customer, 'POST', '/v1/orders', {
          lines: [{ productId: products[i % PRODUCTS]!, quantity: 1 }],
        }),
      ),
    );
    expect(placed.filter((p) => p.status !== 201)).toEqual([]);

    // Every checkout settles; then the read side and the event store must agree on exactly 100 units.
    const db = api.app.get<Db>(MONGO_DB);
    const orders = db.collection<{ _id: string; status: string; lines: { quantity: number }[] }>(
      ORDERS_COLLECTION,
    );
    await eventually(async () => {
      const settled = await orders.countDocuments({ status: { $in: ['confirmed', 'cancelled'] } });
      return settled === ORDERS ? true : undefined;
    }, 240_000);
    const confirmed = await orders.countDocuments({ status: 'confirmed' });
    expect(confirmed).toBe(PRODUCTS * UNITS_EACH);

    const esdb = api.app.get(EventStoreDBClient);
    let reservedInEvents = 0;
    for (const productId of products) {
      let available = 0;
      for await (const e of esdb.readStream(`product-${productId}`)) {
        const q = (e.event!.data as { quantity?: number }).quantity ?? 0;
        if (e.event!.type === 'StockReceived') available += q;
        if (e.event!.type === 'StockReserved') {
          available -= q;
          reservedInEvents += q;
        }
        if (e.event!.type === 'StockReservationReleased') {
          available += q;
          reservedInEvents -= q;
        }
        expect(available).toBeGreaterThanOrEqual(0);
      }
      const view = await eventually(async () => {
        const res = await request(clerk, 'GET', `/v1/products/${productId}`);
        return res.body.reserved === UNITS_EACH ? res.body : undefined;
      });
      expect(view).toMatchObject({ onHand: UNITS_EACH, reserved: UNITS_EACH, available: 0 });
    }
    expect(reservedInEvents).toBe(PRODUCTS * UNITS_EACH);
    process.stdout.write(
      `reliability/oversell: ${ORDERS} concurrent orders, ${PRODUCTS * UNITS_EACH} units, ` +
        `${confirmed} confirmed, ${ORDERS - confirmed} cancelled, never negative\n`,
    );
  }, 300_000);

  it(`applies the same Idempotency-Key sent ${KEYED} times concurrently once, with identical responses`, async () => {
    const clerk = await api.token('clerk');
    const created = await request(clerk, 'POST', '/v1/products', {
      sku: `IDEM-${randomUUID().slice(0, 8)}`,
      name: 'Keyed',
      priceCents: 100,
    });
    const productId = created.body.id as string;
    const customer = await api.token('customer');
    const key = `reliability-${randomUUID()}`;
    const responses = await Promise.all(
      Array.from({ length: KEYED }, () =>
        request(
          customer,
          'POST',
          '/v1/orders',
          { lines: [{ productId, quantity: 2 }] },
          { 'idempotency-key': key },
        ),
      ),
    );
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(responses.map((r) => r.raw)).size).toBe(1);
    const db = api.app.get<Db>(MONGO_DB);
    const esdb = api.app.get(EventStoreDBClient);
    const orderId = responses[0]!.body.id as string;
    let placedEvents = 0;
    for await (const e of esdb.readStream(`order-${orderId}`))
      if (e.event?.type === 'OrderPlaced') placedEvents++;
    expect(placedEvents).toBe(1);
    await eventually(async () =>
      (await db.collection(ORDERS_COLLECTION).findOne({ _id: orderId as never })) ? true : undefined,
    );
    const ordersForProduct = await db
      .collection(ORDERS_COLLECTION)
      .countDocuments({ 'lines.productId': productId });
    expect(ordersForProduct).toBe(1);
    process.stdout.write(
      `reliability/idempotency: ${KEYED} concurrent requests, 1 effect, 1 distinct response\n`,
    );
  });
});
