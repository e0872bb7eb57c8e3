import { startEmbeddedEventStore, type EmbeddedEventStore } from '@shop/embedded-eventstore';
import { startEmbeddedMongo, type EmbeddedMongo } from '@shop/embedded-mongo';
import { eventually } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { ShopClient } from '../checkout/shop-client';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';

const PROBLEM = 'application/problem+json';

/** Servers really stopped under a running API: every request answers 503 + Retry-After, never a 500. */
describe('requests while a dependency is down', () => {
  let esdb: EmbeddedEventStore;
  let mongo: EmbeddedMongo;
  let api: ApiUnderTest;
  let clerk: ShopClient;
  let productId: string;

  beforeAll(async () => {
    esdb = await startEmbeddedEventStore({ inMemory: true, port: 0 });
    mongo = await startEmbeddedMongo({ inMemory: true, port: 0 });
    api = await startApiUnderTest({
      EVENTSTORE_URL: esdb.url,
      MONGO_URL: mongo.uri,
      RATE_LIMIT_PER_USER: '100000',
      RATE_LIMIT_PER_IP: '100000',
      JWT_SECRET: 'x'.repeat(40),
      PAYMENT_SIMULATE: 'true',
    });
    clerk = await ShopClient.as(api, 'clerk');
    // Registered through this process: its aggregate is cached, so the next command takes the cached path.
    productId = await clerk.registerProduct(`down-${randomUUID().slice(0, 8)}`, 500, 3);
  }, 60_000);

  afterAll(async () => {
    await api.close();
    await Promise.allSettled([esdb.stop(), mongo.stop()]);
  });

  const expectUnavailable = (
    res: { status: number; headers: Record<string, unknown>; body: Record<string, unknown> },
    code: string,
  ) => {
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 503, code });
    expect(res.headers['content-type']).toContain(PROBLEM);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.stringify(res.body)).not.toMatch(/127\.0\.0\.1|localhost|ECONNREFUSED|:\d{4,5}\b/);
  };

  it('MongoDB down: reads answer 503 mongodb_unavailable with Retry-After', async () => {
    const port = mongo.port;
    await mongo.stop();
    try {
      const [list, one] = await Promise.all([
        clerk.request('GET', '/v1/products'),
        clerk.request('GET', `/v1/products/${productId}`),
      ]);
      expectUnavailable(list, 'mongodb_unavailable');
      expectUnavailable(one, 'mongodb_unavailable');
    } finally {
      mongo = await startEmbeddedMongo({ inMemory: true, port });
    }
    await eventually(async () => (await clerk.request('GET', '/v1/products')).status === 200, {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
  }, 60_000);

  it('EventStoreDB down: commands answer 503 eventstore_unavailable, cached aggregate or not', async () => {
    const port = esdb.port;
    await esdb.stop();
    try {
      const [cached, fresh] = await Promise.all([
        clerk.request('POST', `/v1/products/${productId}/stock`, { quantity: 1 }),
        clerk.request('POST', '/v1/products', { sku: `n-${randomUUID()}`, name: 'New', priceCents: 100 }),
      ]);
      expectUnavailable(cached, 'eventstore_unavailable');
      expectUnavailable(fresh, 'eventstore_unavailable');
    } finally {
      esdb = await startEmbeddedEventStore({ inMemory: true, port });
    }
  }, 60_000);

  it('/health/ready tells an unauthenticated caller what is down, never addresses or errors', async () => {
    const port = mongo.port;
    await mongo.stop();
    try {
      const res = await eventually(
        async () => {
          const r = await api.app.inject({ url: '/health/ready' });
          return r.statusCode === 503 ? r : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      );
      expect(res.json()).toMatchObject({ checks: { error: { mongodb: { status: 'down' } } } });
      expect(res.headers['retry-after']).toBeDefined();
      expect(res.body).not.toMatch(/127\.0\.0\.1|localhost|ECONNREFUSED|Error|:\d{4,5}\b|message/);
    } finally {
      mongo = await startEmbeddedMongo({ inMemory: true, port });
    }
  }, 60_000);
});
