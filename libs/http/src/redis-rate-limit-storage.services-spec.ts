import { randomUUID } from 'node:crypto';
import { RedisRateLimitStorage } from './redis-rate-limit-storage';

const redisUrl = (): string => process.env.REDIS_URL || 'redis://127.0.0.1:6379';

describe('rate limits shared through the real Redis', () => {
  const storages: RedisRateLimitStorage[] = [];
  const storage = async (url = redisUrl()) => {
    const s = new RedisRateLimitStorage(url);
    storages.push(s);
    await s.connected();
    return s;
  };
  afterAll(() => Promise.all(storages.map((s) => s.onApplicationShutdown())));

  it('two processes count into one budget: the limit holds across them, then blocks both', async () => {
    const [a, b] = await Promise.all([storage(), storage()]);
    const key = `user:${randomUUID()}`;
    const hits = [];
    for (let i = 0; i < 6; i++)
      hits.push(await (i % 2 === 0 ? a : b).increment(key, 60_000, 4, 60_000, 'user'));
    expect(hits.map((h) => h.totalHits)).toEqual([1, 2, 3, 4, 5, 5]);
    expect(hits.map((h) => h.isBlocked)).toEqual([false, false, false, false, true, true]);
    expect(hits[4]!.timeToBlockExpire).toBeGreaterThan(55);
    expect(a.describe()).toEqual({ store: 'redis' });
  });

  it('concurrent requests from both are counted exactly (the script is atomic)', async () => {
    const [a, b] = await Promise.all([storage(), storage()]);
    const key = `ip:${randomUUID()}`;
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).increment(key, 60_000, 25, 1_000, 'ip')),
    );
    expect(results.filter((r) => !r.isBlocked)).toHaveLength(25);
    expect(Math.max(...results.map((r) => r.totalHits))).toBe(26);
  });

  it('Redis unreachable: fails open to per-process counting, visibly, and still limits', async () => {
    const away = await storage('redis://127.0.0.1:1');
    const key = `user:${randomUUID()}`;
    const first = await away.increment(key, 60_000, 1, 60_000, 'user');
    expect(first).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(away.describe()).toMatchObject({
      store: 'in-process',
      degraded: expect.stringContaining('Redis'),
    });
    expect(await away.increment(key, 60_000, 1, 60_000, 'user')).toMatchObject({ isBlocked: true });
  });
});
