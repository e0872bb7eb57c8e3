import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { type Role } from '@shop/auth';
import { MONGO_DB } from '@shop/mongo';
import { type Db } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { ShopClient } from '../checkout/shop-client';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';
import { eventually } from '@shop/testing';

type Body = Record<string, unknown>;
interface Summary {
  type: string;
  stream: string;
  revision: string;
  recordedAt: string;
  correlationId: string;
}

/** The admin API: inspection for auditors and admins, repairs for admins only. One seeded app for all. */
describe('admin API (/v1/admin)', () => {
  let api: ApiUnderTest;
  let db: Db;
  const as: Partial<Record<Role, ShopClient>> = {};
  let productId: string;
  let orderId: string;
  let correlationId: string;
  const get = (role: Role, url: string) => as[role]!.request('GET', url);

  beforeAll(async () => {
    api = await startApiUnderTest({
      RATE_LIMIT_PER_USER: '100000',
      RATE_LIMIT_PER_IP: '100000',
      PAYMENT_SIM_LATENCY_MS: '5',
    });
    db = api.app.get<symbol, Db>(MONGO_DB);
    for (const role of ['admin', 'auditor', 'clerk', 'customer'] as const)
      as[role] = await ShopClient.as(api, role);
    productId = await as.clerk!.registerProduct(`ADMIN-${randomUUID().slice(0, 8)}`, 700, 8);
    const placed = await as.customer!.request(
      'POST',
      '/v1/orders',
      { lines: [{ productId, quantity: 1 }] },
      // A customer's own X-Correlation-Id is not adopted: the request starts the conversation.
      { 'x-correlation-id': randomUUID() },
    );
    orderId = placed.body.id as string;
    correlationId = placed.headers['x-correlation-id'] as string;
    await eventually(async () =>
      (await as.customer!.request('GET', `/v1/orders/${orderId}`)).body.status === 'confirmed'
        ? true
        : undefined,
    );
  });
  afterAll(() => api?.close());

  it('refuses customers and clerks on every endpoint (403), and anonymous callers (401)', async () => {
    const stream = `product-${productId}`;
    const reads = [
      '/v1/admin/streams',
      `/v1/admin/streams/${stream}/events`,
      `/v1/admin/streams/${stream}/state`,
      `/v1/admin/streams/${stream}/diff?from=0&to=1`,
      '/v1/admin/events?type=OrderPlaced',
      `/v1/admin/traces/${correlationId}`,
      '/v1/admin/projections',
      '/v1/admin/projections/products/parked',
    ];
    const writes = [
      '/v1/admin/projections/products/rebuild',
      `/v1/admin/projections/products/parked/${randomUUID()}/replay`,
      `/v1/admin/projections/products/parked/${randomUUID()}/skip`,
    ];
    for (const role of ['customer', 'clerk'] as const) {
      for (const url of reads)
        expect({ role, url, status: (await get(role, url)).status }).toMatchObject({ status: 403 });
      for (const url of writes) {
        expect({ role, url, status: (await as[role]!.request('POST', url)).status }).toMatchObject({
          status: 403,
        });
      }
    }
    // Auditors read everything but change nothing.
    for (const url of reads)
      expect({ url, status: (await get('auditor', url)).status }).toMatchObject({ status: 200 });
    for (const url of writes) {
      expect({ url, status: (await as.auditor!.request('POST', url)).status }).toMatchObject({ status: 403 });
    }
    expect((await api.app.inject({ method: 'GET', url: '/v1/admin/streams' })).statusCode).toBe(401);
  });

  it('lists streams by prefix and pages through a stream', async () => {
    const stream = `product-${productId}`;
    const listed = await get('auditor', '/v1/admin/streams?prefix=product-');
    expect(listed.body.streams).toContain(stream);
    expect((listed.body.streams as string[]).every((s) => s.startsWith('product-'))).toBe(true);

    const first = await get('admin', `/v1/admin/streams/${stream}/events?limit=2`);
    expect((first.body.events as Summary[]).map((e) => e.type)).toEqual([
      'ProductRegistered',
      'StockReceived',
    ]);
    expect(first.body.next).toBe('2');
    const second = await get('admin', `/v1/admin/streams/${stream}/events?limit=2&from=2`);
    expect((second.body.events as Summary[]).map((e) => [e.type, e.revision])).toEqual([
      ['StockReserved', '2'],
    ]);
    expect(second.body.next).toBeNull();
    const newest = await get('admin', `/v1/admin/streams/${stream}/events?limit=1&backwards=true`);
    expect((newest.body.events as Summary[])[0]).toMatchObject({ type: 'StockReserved', revision: '2' });

    const missing = await get('admin', `/v1/admin/streams/product-${randomUUID()}/events`);
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
  });

  it('time travels by revision and by time, and diffs two revisions', async () => {
    const stream = `product-${productId}`;
    const events = (await get('auditor', `/v1/admin/streams/${stream}/events`)).body.events as Summary[];
    const atRevision = (n: number) => get('auditor', `/v1/admin/streams/${stream}/state?revision=${n}`);
    const [zero, one, now] = await Promise.all([
      atRevision(0),
      atRevision(1),
      get('auditor', `/v1/admin/streams/${stream}/state`),
    ]);
    expect(zero.body).toMatchObject({ stream, revision: '0', state: { onHand: 0 } });
    expect(one.body).toMatchObject({ revision: '1', state: { onHand: 8 } });
    expect(now.body.revision).toBe('2');

    // The state at the moment event 1 was recorded is the state at revision 1; before the stream existed, 404.
    const atTime = await get(
      'auditor',
      `/v1/admin/streams/${stream}/state?at=${encodeURIComponent(events[1]!.recordedAt)}`,
    );
    expect(atTime.body).toEqual(one.body);
    expect((await get('auditor', `/v1/admin/streams/${stream}/state?at=2000-01-01T00:00:00Z`)).status).toBe(
      404,
    );
    expect(
      (await get('auditor', `/v1/admin/streams/${stream}/state?revision=1&at=2000-01-01T00:00:00Z`)).status,
    ).toBe(400);

    const diff = await get('admin', `/v1/admin/streams/${stream}/diff?from=0&to=1`);
    expect(diff.status).toBe(200);
    expect(diff.body).toMatchObject({ from: { state: zero.body.state }, to: { state: one.body.state } });
    expect(JSON.stringify(diff.body.changes)).toContain('onHand');
    expect((await get('admin', `/v1/admin/streams/${stream}/diff?from=2&to=1`)).status).toBe(400);
  });

  it('searches $all by type, correlation id and time, and returns the causation trace', async () => {
    const byType = (await get('auditor', '/v1/admin/events?type=OrderPlaced')).body.events as Summary[];
    expect(byType.map((e) => e.stream)).toContain(`order-${orderId}`);
    expect(byType.every((e) => e.type === 'OrderPlaced')).toBe(true);
    const conversation = (await get('auditor', `/v1/admin/events?correlationId=${correlationId}`)).body
      .events as Summary[];
    expect(conversation.every((e) => e.correlationId === correlationId)).toBe(true);
    expect(conversation.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'OrderPlaced',
        'StockReserved',
        'PaymentRequested',
        'PaymentCaptured',
        'OrderConfirmed',
      ]),
    );
    const future = await get(
      'auditor',
      `/v1/admin/events?correlationId=${correlationId}&since=2999-01-01T00:00:00Z`,
    );
    expect(future.body.events).toEqual([]);

    const trace = await get('auditor', `/v1/admin/traces/${correlationId}`);
    expect(trace.body).toMatchObject({ correlationId, events: conversation.length });
    expect((trace.body.tree as { event: Summary }[]).map((n) => n.event.type)).toEqual(['OrderPlaced']);
    expect((await get('auditor', `/v1/admin/traces/${randomUUID()}`)).status).toBe(404);
  });

  it('rebuilds in the background (202) and reports it in the status', async () => {
    const started = await as.admin!.request('POST', '/v1/admin/projections/orders/rebuild');
    // A second request while the first runs is refused with the reason, not accepted again.
    const again = await as.admin!.request('POST', '/v1/admin/projections/orders/rebuild');
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'rebuild_in_progress' });
    expect(started.status).toBe(202);
    expect(started.body).toEqual({ name: 'orders', state: 'rebuilding' });
    const status = await eventually(async () => {
      const list = (await get('auditor', '/v1/admin/projections')).body.projections as Body[];
      const orders = list.find((p) => p.name === 'orders');
      return orders?.state === 'live' && orders.lagEvents === 0 ? orders : undefined;
    });
    expect(status).toMatchObject({
      kind: 'projection',
      version: 1,
      parked: 0,
      checkpoint: expect.any(String),
    });
    expect((await as.customer!.request('GET', `/v1/orders/${orderId}`)).body).toMatchObject({
      status: 'confirmed',
    });
    expect((await as.admin!.request('POST', '/v1/admin/projections/nope/rebuild')).status).toBe(404);
  });

  it('lists parked events and replays or skips them over HTTP', async () => {
    const esdb = api.app.get(EventStoreDBClient);
    const poison = randomUUID();
    await esdb.appendToStream(
      `product-${poison}`,
      jsonEvent({ type: 'StockReceived', data: { productId: poison, quantity: 'lots' } }),
    );
    await db.collection('products').updateOne({ _id: productId as never }, { $set: { onHand: 'broken' } });
    await as.clerk!.request('POST', `/v1/products/${productId}/stock`, { quantity: 2 });
    const parked = await eventually(async () => {
      const list = (await get('auditor', '/v1/admin/projections/products/parked')).body.parked as {
        id: string;
        event: { stream: string; type: string };
        error: { message: string };
      }[];
      return list.length === 2 ? list : undefined;
    });
    const bad = parked.find((p) => p.event.stream === `product-${poison}`)!;
    const fixable = parked.find((p) => p.event.stream === `product-${productId}`)!;
    expect(bad).toMatchObject({ status: 'parked', event: { type: 'StockReceived', revision: '0' } });
    expect(bad.error.message).toMatch(/non-numeric/);
    const list = (await get('admin', '/v1/admin/projections')).body.projections as Body[];
    expect(list.find((p) => p.name === 'products')?.parked).toBe(2);

    const base = '/v1/admin/projections/products/parked';
    const stillFailing = await as.admin!.request('POST', `${base}/${bad.id}/replay`);
    expect(stillFailing.status).toBe(409);
    expect(stillFailing.body).toMatchObject({ code: 'parked_event_still_failing' });
    expect(stillFailing.body.detail).toMatch(/non-numeric/);
    await db.collection('products').updateOne({ _id: productId as never }, { $set: { onHand: 8 } });
    const replayed = await as.admin!.request('POST', `${base}/${fixable.id}/replay`);
    expect(replayed.status).toBe(200);
    expect(replayed.body).toEqual({ name: 'products', id: fixable.id, status: 'replayed' });
    const skipped = await as.admin!.request('POST', `${base}/${bad.id}/skip`);
    expect(skipped.body).toEqual({ name: 'products', id: bad.id, status: 'skipped' });
    expect((await db.collection('products').findOne({ _id: productId as never }))?.onHand).toBe(10);
    expect((await get('admin', base)).body.parked).toEqual([]);
    const again = await as.admin!.request('POST', `${base}/${bad.id}/skip`);
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ code: 'parked_event_not_found' });
    expect((await get('admin', '/v1/admin/projections/nope/parked')).status).toBe(404);
  });
});
