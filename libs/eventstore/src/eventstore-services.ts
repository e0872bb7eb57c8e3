import { type EventStoreDBClient } from '@eventstore/db-client';
import { type UpcasterRegistry } from '@shop/event-sourcing';
import { AggregateCache } from './aggregate-cache';
import { AggregateLoader } from './aggregate-loader';
import { AggregateStore, type AggregateStoreHooks } from './aggregate-store';
import { EventSerializer } from './event-serializer';
import { MultiStreamAppender } from './multi-stream-appender';
import { defaultRetrySettings, type RetrySettings, transientRetryPolicy } from './retry-policies';
import { SnapshotStore } from './snapshot-store';
import { StreamInspector } from './stream-inspector';

export interface EventStoreSettings extends AggregateStoreHooks {
  /** All event types' upcasters (merge the bounded contexts' registries with UpcasterRegistry.merge). */
  readonly upcasters?: UpcasterRegistry;
  readonly retry?: Partial<RetrySettings>;
  /**
   * How many recent idempotent commands per stream are remembered (default 1000). A retry arriving after more
   * idempotent commands than this on the same stream is executed again.
   */
  readonly idempotencyWindow?: number;
  /** How many recently used aggregates keep their state in memory (default 1000; 0 disables the cache). */
  readonly aggregateCacheSize?: number;
  /** Atomic multi-stream appends (`AggregateStore.handleTogether`); default: over `client` (tests wrap it). */
  readonly multiStreamAppender?: MultiStreamAppender;
}

export interface EventStoreServices {
  readonly store: AggregateStore;
  readonly inspector: StreamInspector;
  readonly serializer: EventSerializer;
}

/** Wires the services without Nest, for scripts, benchmarks and tests; the Nest module uses it too. */
export const createEventStoreServices = (
  client: EventStoreDBClient,
  settings: EventStoreSettings = {},
): EventStoreServices => {
  const retry = { ...defaultRetrySettings, ...settings.retry };
  const window = settings.idempotencyWindow ?? 1000;
  const serializer = new EventSerializer(settings.upcasters);
  const snapshots = new SnapshotStore(client, window);
  const cache = new AggregateCache(settings.aggregateCacheSize ?? 1000);
  const loader = new AggregateLoader(client, serializer, snapshots, window, cache);
  const hooks = settings.onSnapshotFailure ? { onSnapshotFailure: settings.onSnapshotFailure } : {};
  const multiStream = settings.multiStreamAppender ?? new MultiStreamAppender(client);
  return {
    store: new AggregateStore(client, serializer, loader, snapshots, retry, hooks, multiStream),
    inspector: new StreamInspector(client, serializer, transientRetryPolicy(retry)),
    serializer,
  };
};
