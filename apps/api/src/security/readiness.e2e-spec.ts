import { startEmbeddedEventStore, type EmbeddedEventStore } from '@shop/embedded-eventstore';
import { startEmbeddedMongo, type EmbeddedMongo } from '@shop/embedded-mongo';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';
import { eventually } from '@shop/testing';

describe('GET /health/ready against external servers that stop and come back', () => {
  let esdb: EmbeddedEventStore;
  let mongo: EmbeddedMongo;
  let api: ApiUnderTest;

  beforeAll(async () => {
    esdb = await startEmbeddedEventStore({ inMemory: true, port: 0 });
    mongo = await startEmbeddedMongo({ inMemory: true, port: 0 });
    api = await startApiUnderTest({
      EVENTSTORE_URL: esdb.url,
      MONGO_URL: mongo.uri,
      JWT_EMBEDDED_SECRET: 'true',
      PAYMENT_SIMULATE: 'true',
    });
  });

  afterAll(async () => {
    await api.close();
    await Promise.allSettled([esdb.stop(), mongo.stop()]);
  });

  const ready = () => api.app.inject({ url: '/health/ready' });
  const isReady = async () => (await ready()).statusCode === 200;

  it('is ready when both servers answer', async () => {
    await eventually(isReady, { timeoutMs: 30_000, intervalMs: 100 });
    expect((await ready()).json()).toMatchObject({
      status: 'ok',
      info: { eventstore: { status: 'up' }, mongodb: { status: 'up' }, projections: { status: 'up' } },
    });
  });

  it('503 with details while MongoDB is down, ready again when it is back', async () => {
    const port = mongo.port;
    await mongo.stop();
    await eventually(async () => (await ready()).statusCode === 503, { timeoutMs: 30_000, intervalMs: 100 });
    const res = await ready();
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({
      status: 503,
      code: 'unavailable',
      checks: { status: 'error', error: { mongodb: { status: 'down' } } },
    });
    expect((await api.app.inject({ url: '/health/live' })).statusCode).toBe(200);

    mongo = await startEmbeddedMongo({ inMemory: true, port });
    await eventually(isReady, { timeoutMs: 30_000, intervalMs: 100 });
  });

  it('503 with details while EventStoreDB is down, ready again when it is back', async () => {
    const port = esdb.port;
    await esdb.stop();
    await eventually(async () => (await ready()).statusCode === 503, { timeoutMs: 30_000, intervalMs: 100 });
    expect((await ready()).json()).toMatchObject({ checks: { error: { eventstore: { status: 'down' } } } });

    esdb = await startEmbeddedEventStore({ inMemory: true, port });
    await eventually(isReady, { timeoutMs: 30_000, intervalMs: 100 });
  });
});
