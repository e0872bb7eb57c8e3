import type { EventStore } from '../store/event-store';
import type { StoredEvent } from '../storage/stored-event';
import { allowedOnAll } from '../streams/default-all-filter';
import { lowerBound } from '../streams/stream-view';
import type { FilterSpec, GroupConfig } from './group-config';

/** Prefix of the checkpoint and parked streams the server writes for each group. */
export const PERSISTENT_SYSTEM_PREFIX = '$persistentsubscription';
export const CONFIG_STREAM = '$persistentSubscriptionConfig';

/** Ordered cursor over a group's source. Keys are revisions (stream) or log positions ($all). */
export interface DeliverySource {
  /** Next durable event for the group, or undefined when caught up. */
  next(): StoredEvent | undefined;
  keyOf(event: StoredEvent): number;
  /** Key of the last event scanned (delivered or filtered out). */
  scanned: number;
  /** Key of the newest event in the source, for stats. */
  lastKnown(): number;
}

const matcher = (filter: FilterSpec | undefined): ((event: StoredEvent) => boolean) => {
  if (!filter) return () => true;
  const regex = filter.regex ? new RegExp(filter.regex) : null;
  const prefixes = filter.prefixes ?? [];
  const test = (value: string): boolean =>
    regex ? regex.test(value) : prefixes.some((prefix) => value.startsWith(prefix));
  return filter.on === 'stream' ? (e) => test(e.streamName) : (e) => test(e.type);
};

/** `after`: key of the last event already handled (checkpoint), or null to start at `config.startKey`. */
export const deliverySource = (
  store: EventStore,
  config: GroupConfig,
  after: number | null,
): DeliverySource => {
  if (config.source.kind === 'stream') {
    const name = config.source.stream;
    let next = after !== null ? after + 1 : config.startKey;
    const source: DeliverySource = {
      scanned: next - 1,
      keyOf: (event) => event.revision,
      lastKnown: () => (store.stream(name)?.durableLength(store.durableCount) ?? 0) - 1,
      next: () => {
        const state = store.stream(name);
        if (!state || next >= state.durableLength(store.durableCount)) return undefined;
        source.scanned = next;
        return state.events[next++];
      },
    };
    return source;
  }
  const matches = matcher(config.filter);
  let next = lowerBound(store.all, store.durableCount, after !== null ? after + 1 : config.startKey);
  const source: DeliverySource = {
    scanned: after ?? config.startKey - 1,
    keyOf: (event) => event.position,
    lastKnown: () => store.all[store.durableCount - 1]?.position ?? 0,
    next: () => {
      while (next < store.durableCount) {
        const event = store.all[next++]!;
        source.scanned = event.position;
        if (allowedOnAll(event.streamName) && matches(event)) return event;
      }
      return undefined;
    },
  };
  return source;
};
