import { randomUUID } from 'node:crypto';
import { ApiProcess } from '../../../../test/reliability/api-process';

const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/** Two API processes (each with its own embedded servers) and one Redis: one budget per user between them. */
describe('REDIS_URL: two API processes share one rate-limit budget', () => {
  let first: ApiProcess;
  let second: ApiProcess;
  beforeAll(async () => {
    const env = { REDIS_URL: redisUrl, RATE_LIMIT_PER_USER: '4', RATE_LIMIT_PER_IP: '100000' };
    [first, second] = await Promise.all([ApiProcess.create(env), ApiProcess.create(env)]);
    await Promise.all([first.start(), second.start()]);
  });
  afterAll(() => Promise.all([first?.stop(), second?.stop()]));

  it('requests to either count against the same budget; the fifth is refused by whichever gets it', async () => {
    const sub = randomUUID();
    const token = await first.token('customer', sub);
    const url = `/v1/customers/${sub}/orders`;
    const statuses: number[] = [];
    for (const api of [first, second, first, second, first, second])
      statuses.push((await api.call('GET', url, token)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    // Another user still has a whole budget on both.
    const other = randomUUID();
    const otherToken = await second.token('customer', other);
    expect((await second.call('GET', `/v1/customers/${other}/orders`, otherToken)).status).toBe(200);
  }, 180_000);
});
