import { eventually } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';

// Its own file: the API reads its configuration once per test file.
describe('REDIS_URL set but Redis unreachable: limits fail open to per-process, visibly', () => {
  let api: ApiUnderTest;
  beforeAll(async () => {
    api = await startApiUnderTest({
      REDIS_URL: 'redis://127.0.0.1:1',
      RATE_LIMIT_PER_USER: '2',
      RATE_LIMIT_PER_IP: '100000',
    });
  });
  afterAll(() => api.close());

  it('starts, stays ready with rate limits degraded, and still limits within this process', async () => {
    const ready = await eventually(async () => {
      const answer = await api.app.inject({ url: '/health/ready' });
      return answer.statusCode === 200 && answer;
    });
    expect(ready.json()).toMatchObject({
      info: { rateLimits: { status: 'up', store: 'in-process', degraded: expect.stringContaining('Redis') } },
    });
    const sub = randomUUID();
    const token = await api.token('customer', sub);
    const get = () =>
      api.app.inject({ url: `/v1/customers/${sub}/orders`, headers: { authorization: `Bearer ${token}` } });
    expect([(await get()).statusCode, (await get()).statusCode, (await get()).statusCode]).toEqual([
      200, 200, 429,
    ]);
  });
});
