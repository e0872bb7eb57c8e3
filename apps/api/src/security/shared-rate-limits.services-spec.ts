import { eventually } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { RedisRateLimitStorage } from '../../../../libs/http/src/redis-rate-limit-storage';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';

const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

describe('REDIS_URL: one rate-limit budget for every API process', () => {
  let api: ApiUnderTest;
  let otherProcess: RedisRateLimitStorage;
  beforeAll(async () => {
    api = await startApiUnderTest({
      REDIS_URL: redisUrl,
      RATE_LIMIT_PER_USER: '3',
      RATE_LIMIT_PER_IP: '100000',
    });
    // Another API process's counters: the same Redis, its own connection.
    otherProcess = new RedisRateLimitStorage(redisUrl);
    await otherProcess.connected();
  });
  afterAll(async () => {
    await otherProcess.onApplicationShutdown();
    await api.close();
  });

  it('requests counted by another process use up the same budget; then 429 with Retry-After', async () => {
    const sub = randomUUID();
    const token = await api.token('customer', sub);
    const get = () =>
      api.app.inject({ url: `/v1/customers/${sub}/orders`, headers: { authorization: `Bearer ${token}` } });
    expect((await get()).statusCode).toBe(200);
    for (let i = 0; i < 2; i++) await otherProcess.increment(`user:${sub}`, 60_000, 3, 60_000, 'user');
    const refused = await get();
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Another user's budget is untouched.
    const otherSub = randomUUID();
    const other = await api.token('customer', otherSub);
    const url = `/v1/customers/${otherSub}/orders`;
    expect((await api.app.inject({ url, headers: { authorization: `Bearer ${other}` } })).statusCode).toBe(
      200,
    );
  });

  it('readiness says where the limits are counted', async () => {
    const ready = await eventually(async () => {
      const answer = await api.app.inject({ url: '/health/ready' });
      return answer.statusCode === 200 && answer;
    });
    expect(ready.json()).toMatchObject({ info: { rateLimits: { status: 'up', store: 'redis' } } });
  });
});
