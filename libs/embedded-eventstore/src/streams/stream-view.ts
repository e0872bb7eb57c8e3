import type { EventStore } from '../store/event-store';
import type { StoredEvent } from '../storage/stored-event';

export type StreamView =
  | { kind: 'not_found' }
  | { kind: 'deleted' }
  | { kind: 'ok'; events: readonly StoredEvent[]; first: number; last: number };

/**
 * What readers may see of a stream: the durable events, minus those hidden by `$tb`, `$maxCount` and
 * `$maxAge`. A soft-deleted stream reads as not found until it is written again.
 */
export const streamView = (store: EventStore, name: string, now = Date.now()): StreamView => {
  const state = store.stream(name);
  if (state?.tombstoned) return { kind: 'deleted' };
  const length = state ? state.durableLength(store.durableCount) : 0;
  if (!state || length === 0) return { kind: 'not_found' };
  const meta = store.metadataOf(name);
  if (meta.softDeleted) return { kind: 'not_found' };
  const last = length - 1;
  let first = 0;
  if (meta.truncateBefore !== undefined) first = Math.max(first, meta.truncateBefore);
  if (meta.maxCount !== undefined) first = Math.max(first, length - meta.maxCount);
  if (meta.maxAge !== undefined) {
    const cutoff = now - meta.maxAge * 1000;
    while (first <= last && state.events[first]!.createdMs < cutoff) first++;
  }
  return { kind: 'ok', events: state.events, first, last };
};

/** First index in `all` whose position is >= `position` (binary search; positions are increasing). */
export const lowerBound = (all: readonly StoredEvent[], count: number, position: number): number => {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (all[mid]!.position < position) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};
