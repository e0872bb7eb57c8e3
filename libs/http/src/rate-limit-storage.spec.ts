import { WindowCounterStorage } from './rate-limit-storage';

describe('WindowCounterStorage', () => {
  let now = 1_000_000;
  let storage: WindowCounterStorage;

  beforeEach(() => {
    now = 1_000_000;
    storage = new WindowCounterStorage(60_000, () => now);
  });
  afterEach(() => storage.close());

  const hit = (key = 'user:a', limit = 3, ttl = 10_000, block = 10_000) =>
    storage.increment(key, ttl, limit, block, 'user');

  it('allows up to the limit within a window and counts every hit', async () => {
    for (let i = 1; i <= 3; i++) {
      await expect(hit()).resolves.toEqual({
        totalHits: i,
        timeToExpire: 10,
        isBlocked: false,
        timeToBlockExpire: 0,
      });
    }
  });

  it('blocks the request over the limit for the block duration, without counting blocked requests', async () => {
    for (let i = 0; i < 3; i++) await hit();
    await expect(hit()).resolves.toMatchObject({ isBlocked: true, totalHits: 4, timeToBlockExpire: 10 });
    now += 4_000;
    await expect(hit()).resolves.toMatchObject({ isBlocked: true, totalHits: 4, timeToBlockExpire: 6 });
    now += 6_000;
    await expect(hit()).resolves.toMatchObject({ isBlocked: false, totalHits: 1 });
  });

  it('starts a new window after the ttl', async () => {
    for (let i = 0; i < 3; i++) await hit();
    now += 10_000;
    await expect(hit()).resolves.toMatchObject({ isBlocked: false, totalHits: 1, timeToExpire: 10 });
  });

  it('keeps keys and throttlers apart', async () => {
    for (let i = 0; i < 3; i++) await hit('user:a');
    await expect(hit('user:b')).resolves.toMatchObject({ totalHits: 1, isBlocked: false });
    await expect(storage.increment('user:a', 10_000, 3, 10_000, 'ip')).resolves.toMatchObject({
      totalHits: 1,
    });
  });

  it('costs the same per request whatever the limit (no per-hit bookkeeping)', async () => {
    for (let i = 0; i < 200_000; i++) await hit('user:busy', 1_000_000);
    await expect(hit('user:busy', 1_000_000)).resolves.toMatchObject({ totalHits: 200_001 });
    expect(storage.size).toBe(1);
  });

  it('sweeps records whose window and block have ended', async () => {
    await hit('user:a');
    for (let i = 0; i < 4; i++) await hit('user:b', 3, 1_000, 30_000);
    now += 10_000;
    storage.sweep();
    expect(storage.size).toBe(1);
    now += 30_000;
    storage.sweep();
    expect(storage.size).toBe(0);
  });
});
