import { EventStoreDBClient } from '@eventstore/db-client';
import { PAYMENT_SIMULATOR, type PaymentSimulator } from '@shop/payment-gateway';
import { randomUUID } from 'node:crypto';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';
import { ShopClient } from './shop-client';
import { eventually } from '@shop/testing';

const settled = (status: unknown) => status === 'confirmed' || status === 'cancelled';

describe('checkout over HTTP (embedded servers, simulated payment provider)', () => {
  let api: ApiUnderTest;
  let clerk: ShopClient;
  let simulator: PaymentSimulator;

  beforeAll(async () => {
    api = await startApiUnderTest({
      RATE_LIMIT_PER_USER: '100000',
      RATE_LIMIT_PER_IP: '100000',
      PAYMENT_SIM_LATENCY_MS: '5',
      PAYMENT_RETRIES: '1',
      PAYMENT_TIMEOUT_MS: '1000',
      PAYMENT_BREAKER_THRESHOLD: '3',
      PAYMENT_BREAKER_HALF_OPEN_MS: '300',
    });
    clerk = await ShopClient.as(api, 'clerk');
    simulator = api.app.get(PAYMENT_SIMULATOR);
  });
  afterAll(() => api.close());
  beforeEach(() =>
    Object.assign(simulator.behaviour, {
      declineRate: 0,
      failureRate: 0,
      outage: false,
      lostResponseRate: 0,
      lostResponseSticky: false,
    }),
  );

  const orderOf = async (
    customer: ShopClient,
    orderId: string,
    until: (o: Record<string, unknown>) => boolean,
    timeoutMs = 20_000,
  ) =>
    eventually(async () => {
      const res = await customer.request('GET', `/v1/orders/${orderId}`);
      return res.status === 200 && until(res.body) ? res.body : undefined;
    }, timeoutMs);
  const productOf = async (productId: string) =>
    (await clerk.request('GET', `/v1/products/${productId}`)).body;

  it('places, reserves, charges and confirms an order; the customer sees its history', async () => {
    const productId = await clerk.registerProduct(`HAPPY-${randomUUID().slice(0, 8)}`, 1299, 10);
    const customerId = randomUUID();
    const customer = await ShopClient.as(api, 'customer', customerId);
    const placed = await customer.placeOrder([{ productId, quantity: 3 }]);
    expect(placed.status).toBe(201);
    expect(placed.headers.location).toBe(
      `/v1/orders/${placed.body.id as string}?position=${placed.body.position as string}`,
    );
    expect(placed.headers.etag).toBe('"0"');

    const order = await orderOf(customer, placed.body.id as string, (o) => o.status === 'confirmed');
    expect(order).toMatchObject({
      customerId,
      totalCents: 3 * 1299,
      lines: [{ productId, quantity: 3, unitPriceCents: 1299 }],
      payment: { status: 'captured' },
    });
    expect((order.history as { status: string }[]).map((h) => h.status)).toEqual(['placed', 'confirmed']);
    await eventually(async () => ((await productOf(productId)).reserved === 3 ? true : undefined));
    expect(await productOf(productId)).toMatchObject({ onHand: 10, reserved: 3, available: 7 });
    expect(simulator.charges().size).toBeGreaterThan(0);

    // Another customer may not see it; the customer's own list has it.
    const stranger = await ShopClient.as(api, 'customer');
    expect((await stranger.request('GET', `/v1/orders/${placed.body.id as string}`)).status).toBe(404);
    const mine = await customer.request('GET', `/v1/customers/${customerId}/orders`);
    expect((mine.body.items as { id: string }[]).map((o) => o.id)).toEqual([placed.body.id]);

    // Shipping commits the reservation: the units leave the warehouse.
    const shipped = await clerk.request('POST', `/v1/orders/${placed.body.id as string}/ship`);
    expect(shipped.status).toBe(200);
    await eventually(async () => ((await productOf(productId)).onHand === 7 ? true : undefined));
    expect(await productOf(productId)).toMatchObject({ onHand: 7, reserved: 0, available: 7 });
  });

  it('refunds and releases stock when a customer cancels a confirmed order; shipping it then is refused', async () => {
    const productId = await clerk.registerProduct(`CANCEL-${randomUUID().slice(0, 8)}`, 800, 6);
    const customer = await ShopClient.as(api, 'customer');
    const placed = await customer.placeOrder([{ productId, quantity: 2 }]);
    const orderId = placed.body.id as string;
    await orderOf(customer, orderId, (o) => o.status === 'confirmed');

    const stranger = await ShopClient.as(api, 'customer');
    expect(
      (await stranger.request('POST', `/v1/orders/${orderId}/cancel`, { reason: 'not mine' })).status,
    ).toBe(404);
    const cancelled = await customer.request('POST', `/v1/orders/${orderId}/cancel`, {
      reason: 'changed my mind',
    });
    expect(cancelled.status).toBe(200);
    const order = await orderOf(
      customer,
      orderId,
      (o) => (o.payment as { status: string }).status === 'refunded',
    );
    expect(order.status).toBe('cancelled');
    expect((order.history as { status: string; reason?: string }[]).at(-1)).toMatchObject({
      status: 'cancelled',
      reason: 'changed my mind',
    });
    await eventually(async () => ((await productOf(productId)).available === 6 ? true : undefined));
    const ship = await clerk.request('POST', `/v1/orders/${orderId}/ship`);
    expect(ship.status).toBe(409);
    expect(ship.body).toMatchObject({ code: 'illegal_transition' });
  });

  it('compensates a declined payment: stock released, order cancelled with the reason', async () => {
    simulator.behaviour.declineRate = 1;
    const productId = await clerk.registerProduct(`DECLINE-${randomUUID().slice(0, 8)}`, 500, 5);
    const customer = await ShopClient.as(api, 'customer');
    const placed = await customer.placeOrder([{ productId, quantity: 2 }]);
    const order = await orderOf(customer, placed.body.id as string, (o) => o.status === 'cancelled');
    expect(order.payment).toMatchObject({ status: 'failed' });
    expect((order.history as { reason?: string }[]).at(-1)?.reason).toMatch(/declined/);
    await eventually(async () => ((await productOf(productId)).available === 5 ? true : undefined));
    expect(await productOf(productId)).toMatchObject({ onHand: 5, reserved: 0, available: 5 });
  });

  it('refunds a charge whose every answer was lost: the order is cancelled, then reconciled', async () => {
    Object.assign(simulator.behaviour, { lostResponseRate: 1, lostResponseSticky: true });
    const productId = await clerk.registerProduct(`LOST-${randomUUID().slice(0, 8)}`, 900, 5);
    const customer = await ShopClient.as(api, 'customer');
    const placed = await customer.placeOrder([{ productId, quantity: 1 }]);
    const orderId = placed.body.id as string;
    const order = await orderOf(
      customer,
      orderId,
      (o) => o.status === 'cancelled' && (o.payment as { status: string }).status === 'refunded',
    );
    expect(order.payment).toMatchObject({ reconciliation: 'charged' });
    expect((order.history as { reason?: string }[]).at(-1)?.reason).toMatch(/provider unavailable/);
    const charges = [...simulator.charges().values()].filter((c) => c.orderId === orderId);
    expect(charges).toEqual([expect.objectContaining({ status: 'captured', refunded: true })]);
    await eventually(async () => ((await productOf(productId)).available === 5 ? true : undefined));
  });

  it('compensates when a line cannot be reserved, releasing the lines that were', async () => {
    const plenty = await clerk.registerProduct(`PLENTY-${randomUUID().slice(0, 8)}`, 100, 50);
    const scarce = await clerk.registerProduct(`SCARCE-${randomUUID().slice(0, 8)}`, 100, 1);
    const customer = await ShopClient.as(api, 'customer');
    const placed = await customer.placeOrder([
      { productId: plenty, quantity: 5 },
      { productId: scarce, quantity: 2 },
    ]);
    const order = await orderOf(customer, placed.body.id as string, (o) => o.status === 'cancelled');
    expect((order.history as { reason?: string }[]).at(-1)?.reason).toMatch(/insufficient_stock/);
    await eventually(async () => ((await productOf(plenty)).available === 50 ? true : undefined));
    expect(await productOf(scarce)).toMatchObject({ available: 1, reserved: 0 });
  });

  it('fails fast while the provider is down (circuit open), compensates, and recovers when it is back', async () => {
    simulator.behaviour.outage = true;
    const productId = await clerk.registerProduct(`OUTAGE-${randomUUID().slice(0, 8)}`, 700, 20);
    const customer = await ShopClient.as(api, 'customer');
    const placed = await Promise.all(
      Array.from({ length: 5 }, () => customer.placeOrder([{ productId, quantity: 1 }])),
    );
    const orders = await Promise.all(
      placed.map((p) => orderOf(customer, p.body.id as string, (o) => o.status === 'cancelled')),
    );
    const reasons = orders.map((o) => (o.history as { reason?: string }[]).at(-1)?.reason ?? '');
    expect(reasons.every((r) => /provider unavailable/.test(r))).toBe(true);
    expect(reasons.some((r) => /circuit_open/.test(r))).toBe(true);
    await eventually(async () => ((await productOf(productId)).available === 20 ? true : undefined));

    simulator.behaviour.outage = false;
    // Once the breaker's half-open trial succeeds, orders go through again.
    const recovered = await eventually(async () => {
      const next = await customer.placeOrder([{ productId, quantity: 1 }]);
      const order = await orderOf(customer, next.body.id as string, (o) => settled(o.status));
      return order.status === 'confirmed' ? order : undefined;
    }, 30_000);
    expect(recovered.payment).toMatchObject({ status: 'captured' });
  });

  it('never oversells: 100 concurrent orders for the last 10 units confirm exactly 10', async () => {
    const started = Date.now();
    const productId = await clerk.registerProduct(`LAST10-${randomUUID().slice(0, 8)}`, 1000, 10);
    const customers = await Promise.all(Array.from({ length: 100 }, () => ShopClient.as(api, 'customer')));
    const placed = await Promise.all(customers.map((c) => c.placeOrder([{ productId, quantity: 1 }])));
    expect(placed.every((p) => p.status === 201)).toBe(true);
    // One poll at a time: a hundred pollers would load the machine more than the checkouts themselves.
    const orders: Record<string, unknown>[] = [];
    for (const [i, p] of placed.entries()) {
      orders.push(await orderOf(customers[i]!, p.body.id as string, (o) => settled(o.status), 90_000));
    }
    process.stderr.write(`100 concurrent checkouts settled in ${Date.now() - started} ms\n`);
    expect(orders.filter((o) => o.status === 'confirmed')).toHaveLength(10);
    expect(orders.filter((o) => o.status === 'cancelled')).toHaveLength(90);
    await eventually(async () => ((await productOf(productId)).reserved === 10 ? true : undefined));
    expect(await productOf(productId)).toMatchObject({ onHand: 10, reserved: 10, available: 0 });
  }, 120_000);

  it('answers the same Idempotency-Key sent concurrently with one order and identical responses', async () => {
    const productId = await clerk.registerProduct(`IDEM-${randomUUID().slice(0, 8)}`, 250, 100);
    const customer = await ShopClient.as(api, 'customer');
    const key = `order-${randomUUID()}`;
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => customer.placeOrder([{ productId, quantity: 1 }], key)),
    );
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(responses.map((r) => JSON.stringify(r.body))).size).toBe(1);
    const orderId = responses[0]!.body.id as string;
    const esdb = api.app.get(EventStoreDBClient);
    const placedEvents = [];
    for await (const e of esdb.readStream(`order-${orderId}`))
      if (e.event?.type === 'OrderPlaced') placedEvents.push(e);
    expect(placedEvents).toHaveLength(1);
  });

  it('rejects a conditional command on a stale revision with 412 and applies it on the current one', async () => {
    const productId = await clerk.registerProduct(`IFMATCH-${randomUUID().slice(0, 8)}`, 250, 1);
    const stale = await clerk.request(
      'POST',
      `/v1/products/${productId}/stock`,
      { quantity: 1 },
      { 'if-match': '"0"' },
    );
    expect(stale.status).toBe(412);
    expect(stale.headers['content-type']).toMatch(/application\/problem\+json/);
    const current = await clerk.request(
      'POST',
      `/v1/products/${productId}/stock`,
      { quantity: 1 },
      { 'if-match': '"1"' },
    );
    expect(current.status).toBe(200);
    expect(current.headers.etag).toBe('"2"');
    // Read-your-writes: the position the command returned makes the query wait for the view.
    const read = await clerk.request(
      'GET',
      `/v1/products/${productId}?position=${current.body.position as string}`,
    );
    expect(read.body).toMatchObject({ onHand: 2, revision: '2' });
  });

  it('builds a sales report in the background: 202 + Location, then pending -> ready', async () => {
    const productId = await clerk.registerProduct(`REPORT-${randomUUID().slice(0, 8)}`, 300, 10);
    const customer = await ShopClient.as(api, 'customer');
    const placed = await customer.placeOrder([{ productId, quantity: 4 }]);
    await orderOf(customer, placed.body.id as string, (o) => o.status === 'confirmed');
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const requested = await clerk.request('POST', '/v1/reports/sales', { from: today, to: tomorrow });
    expect(requested.status).toBe(202);
    const location = requested.headers.location as string;
    expect(location).toBe(
      `/v1/reports/${requested.body.id as string}?position=${requested.body.position as string}`,
    );
    const report = await eventually(async () => {
      const res = await clerk.request('GET', location);
      return res.status === 200 && res.body.status !== 'pending' ? res.body : undefined;
    });
    expect(report.status).toBe('ready');
    expect(report.rows).toEqual(
      expect.arrayContaining([expect.objectContaining({ productId, units: 4, revenueCents: 1200 })]),
    );
    const invalid = await clerk.request('POST', '/v1/reports/sales', { from: tomorrow, to: today });
    expect(invalid.status).toBe(400);
  });
});
