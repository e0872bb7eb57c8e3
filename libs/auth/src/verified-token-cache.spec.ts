import { VerifiedTokenCache } from './verified-token-cache';

const user = { sub: 'user-1', roles: ['customer' as const] };

describe('VerifiedTokenCache', () => {
  let now = 1_000_000_000;
  const cache = (max = 10, maxAgeMs = 60_000) => new VerifiedTokenCache(max, maxAgeMs, 5, () => now);

  it('answers for a token until its exp plus the clock tolerance, then forgets it', () => {
    const tokens = cache();
    tokens.set('t', user, { exp: now / 1000 + 10 });
    expect(tokens.get('t')).toEqual(user);
    now += 14_999;
    expect(tokens.get('t')).toEqual(user);
    now += 1;
    expect(tokens.get('t')).toBeUndefined();
    expect(tokens.size).toBe(0);
  });

  it('answers for at most maxAgeMs, whatever the exp', () => {
    const tokens = cache(10, 1_000);
    tokens.set('t', user, { exp: now / 1000 + 3_600 });
    now += 1_000;
    expect(tokens.get('t')).toBeUndefined();
  });

  it('does not answer before the nbf (minus tolerance)', () => {
    const tokens = cache();
    tokens.set('t', user, { exp: now / 1000 + 60, nbf: now / 1000 + 10 });
    expect(tokens.get('t')).toBeUndefined();
    now += 5_000;
    expect(tokens.get('t')).toEqual(user);
  });

  it('never stores an already expired token and keeps at most maxEntries, dropping the oldest', () => {
    const tokens = cache(2);
    tokens.set('old', user, { exp: now / 1000 - 10 });
    expect(tokens.get('old')).toBeUndefined();
    for (const t of ['a', 'b', 'c']) tokens.set(t, user, { exp: now / 1000 + 60 });
    expect(tokens.size).toBe(2);
    expect(tokens.get('a')).toBeUndefined();
    expect(tokens.get('c')).toEqual(user);
  });
});
