import { comparePositions, formatPosition, hasReached, parsePosition } from './position';

describe('positions', () => {
  it('round-trips the commit/prepare token', () => {
    const p = { commit: 18446744073709551614n, prepare: 42n };
    expect(parsePosition(formatPosition(p))).toEqual(p);
  });

  it.each(['', '12', '1/2/3', '-1/2', 'a/b', '1/ 2', '99999999999999999999/1'])('rejects %j', (token) => {
    expect(parsePosition(token)).toBeNull();
  });

  it('orders by commit, then prepare', () => {
    expect(comparePositions({ commit: 1n, prepare: 5n }, { commit: 2n, prepare: 0n })).toBeLessThan(0);
    expect(comparePositions({ commit: 2n, prepare: 1n }, { commit: 2n, prepare: 2n })).toBeLessThan(0);
    expect(hasReached(null, { commit: 0n, prepare: 0n })).toBe(false);
    expect(hasReached({ commit: 5n, prepare: 5n }, { commit: 5n, prepare: 5n })).toBe(true);
  });
});
