import { AggregateCache } from './aggregate-cache';
import { RecentCommands } from './recent-commands';

const aggregate = (revision: bigint) => ({
  state: { revision },
  revision,
  snapshotRevision: -1n,
  recentCommands: new RecentCommands(10),
});

describe('AggregateCache', () => {
  const decider = {};

  it('returns a state only to the decider that produced it', () => {
    const cache = new AggregateCache(10);
    cache.set('s-1', decider, aggregate(3n));
    expect(cache.get('s-1', decider)?.revision).toBe(3n);
    expect(cache.get('s-1', {})).toBeUndefined();
  });

  it('evicts the least recently used stream and can be disabled', () => {
    const cache = new AggregateCache(2);
    cache.set('a', decider, aggregate(1n));
    cache.set('b', decider, aggregate(1n));
    cache.get('a', decider);
    cache.set('c', decider, aggregate(1n));
    expect(cache.get('b', decider)).toBeUndefined();
    expect(cache.get('a', decider)).toBeDefined();
    const disabled = new AggregateCache(0);
    disabled.set('a', decider, aggregate(1n));
    expect(disabled.get('a', decider)).toBeUndefined();
  });

  it('hands out copies of the idempotency window, so a failed attempt cannot pollute the cache', () => {
    const cache = new AggregateCache(10);
    cache.set('s-1', decider, aggregate(3n));
    cache.get('s-1', decider)!.recentCommands.remember('k1', { first: 4n, last: 4n });
    expect(cache.get('s-1', decider)!.recentCommands.find('k1')).toBeUndefined();
  });
});
