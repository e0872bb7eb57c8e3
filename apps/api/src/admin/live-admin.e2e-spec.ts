import { randomUUID } from 'node:crypto';
import { type AddressInfo } from 'node:net';
import { ShopClient } from '../checkout/shop-client';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';
import { SseClient } from '../testing/sse-client';

/** The operators' live feeds: projection status and every view change, as Server-Sent Events. */
describe('GET /v1/admin/projections/live and /v1/admin/events/live', () => {
  let api: ApiUnderTest;
  let base: string;
  const open: SseClient[] = [];

  beforeAll(async () => {
    api = await startApiUnderTest(
      { RATE_LIMIT_PER_USER: '100000', RATE_LIMIT_PER_IP: '100000' },
      { listen: true },
    );
    base = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterEach(() => open.splice(0).forEach((client) => client.close()));
  afterAll(() => api.close());

  const follow = async (path: string, token: string) => {
    const client = await SseClient.open(`${base}${path}`, { authorization: `Bearer ${token}` });
    open.push(client);
    return client;
  };

  it('gives an auditor a snapshot of every projection, then their status as it changes', async () => {
    const feed = await follow('/v1/admin/projections/live', await api.token('auditor'));
    expect(feed.status).toBe(200);
    const snapshot = await feed.waitFor((e) => e.event === 'snapshot');
    const names = (snapshot.data.projections as { name: string }[]).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['orders', 'products', 'reports']));
    const clerk = await ShopClient.as(api, 'clerk');
    await clerk.registerProduct(`LIVE-${randomUUID().slice(0, 8)}`, 100, 0);
    // The feed may first carry statuses from the start (catching up); then the live one with the product in it.
    const status = await feed.waitFor(
      (e) =>
        e.event === 'status' &&
        e.data.name === 'products' &&
        e.data.state === 'live' &&
        e.data.processed !== 0,
    );
    expect(status.data).toMatchObject({ type: 'projectionStatus', kind: 'projection' });
    expect(status.data.checkpoint).toMatch(/^\d+\/\d+$/);
  });

  it('streams every view change to operators, with its owner and position', async () => {
    const feed = await follow('/v1/admin/events/live', await api.token('admin'));
    await feed.waitForComment('subscribed');
    const clerk = await ShopClient.as(api, 'clerk');
    const productId = await clerk.registerProduct(`LIVE-${randomUUID().slice(0, 8)}`, 100, 5);
    const customerId = randomUUID();
    const placed = await (
      await ShopClient.as(api, 'customer', customerId)
    ).placeOrder([{ productId, quantity: 1 }]);
    const orderId = placed.body.id as string;
    const change = await feed.waitFor((e) => e.data.topic === 'order' && e.data.id === orderId);
    expect(change).toMatchObject({
      id: placed.body.position,
      data: { ownerId: customerId, eventType: 'OrderPlaced', projection: 'orders' },
    });
    await feed.waitFor((e) => e.data.topic === 'stock' && e.data.id === productId);
  });

  it('refuses customers and clerks (403) and callers without a token (401)', async () => {
    for (const path of ['/v1/admin/projections/live', '/v1/admin/events/live']) {
      expect((await follow(path, await api.token('customer'))).status).toBe(403);
      expect((await follow(path, await api.token('clerk'))).status).toBe(403);
      expect((await SseClient.open(`${base}${path}`)).status).toBe(401);
    }
  });

  it('says in readiness how live updates travel (in-process without REDIS_URL)', async () => {
    const ready = await api.app.inject({ url: '/health/ready' });
    expect(ready.json()).toMatchObject({ info: { liveUpdates: { status: 'up', transport: 'in-process' } } });
  });
});
