import { startEmbeddedEventStore, type EmbeddedEventStore } from '@shop/embedded-eventstore';
import { startEmbeddedMongo, type EmbeddedMongo } from '@shop/embedded-mongo';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';

/** Polls until `probe` returns true; fails after the deadline. A condition, not a sleep. */
async function eventually(probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('GET /health/ready against external servers that stop and come back', () => {
  let esdb: EmbeddedEventStore;
  let mongo: EmbeddedMongo;
  let api: ApiUnderTest;

  beforeAll(async () => {
    esdb = await startEmbeddedEventStore({ inMemory: true, port: 0 });
    mongo = await startEmbeddedMongo({ inMemory: true, port: 0 });
    api = await startApiUnderTest({ EVENTSTORE_URL: esdb.url, MONGO_URL: mongo.uri });
  });

  afterAll(async () => {
    await api.close();
    await Promise.allSettled([esdb.stop(), mongo.stop()]);
  });

  const ready = () => api.app.inject({ url: '/health/ready' });
  const isReady = async () => (await ready()).statusCode === 200;

  it('is ready when both servers answer', async () => {
    await eventually(isReady);
    expect((await ready()).json()).toMatchObject({
      status: 'ok',
      info: { eventstore: { status: 'up' }, mongodb: { status: 'up' }, projections: { status: 'up' } },
    });
  });

  it('503 with details while MongoDB is down, ready again when it is back', async () => {
    const port = mongo.port;
    await mongo.stop();
    await eventually(async () => (await ready()).statusCode === 503);
    const res = await ready();
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({
      status: 503,
      code: 'unavailable',
      checks: { status: 'error', error: { mongodb: { status: 'down' } } },
    });
    expect((await api.app.inject({ url: '/health/live' })).statusCode).toBe(200);

    mongo = await startEmbeddedMongo({ inMemory: true, port });
    await eventually(isReady);
  });

  it('503 with details while EventStoreDB is down, ready again when it is back', async () => {
    const port = esdb.port;
    await esdb.stop();
    await eventually(async () => (await ready()).statusCode === 503);
    expect((await ready()).json()).toMatchObject({ checks: { error: { eventstore: { status: 'down' } } } });

    esdb = await startEmbeddedEventStore({ inMemory: true, port });
    await eventually(isReady);
  });
});
