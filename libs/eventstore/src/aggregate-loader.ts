import { type EventStoreDBClient } from '@eventstore/db-client';
import { type Command, type Decider, type DomainEvent } from '@shop/event-sourcing';
import { type AggregateCache } from './aggregate-cache';
import { type EventSerializer } from './event-serializer';
import { RecentCommands } from './recent-commands';
import { type SnapshotStore } from './snapshot-store';
import { forEachEvent } from './stream-reader';

/** Revision of a stream that does not exist (yet). Matches EventStoreDB's classic "-1 = no stream". */
export const NO_STREAM_REVISION = -1n;

export interface LoadOptions {
  /** false: ignore snapshots and the in-memory cache, replay every event (inspection, benchmarks). */
  readonly useSnapshot?: boolean;
  /** false: ignore the in-memory cache of recently used aggregates. */
  readonly useCache?: boolean;
}

export interface LoadedAggregate<S> {
  readonly state: S;
  /** Revision of the last event folded; NO_STREAM_REVISION when the stream does not exist. */
  readonly revision: bigint;
  /** Revision the snapshot used covered; NO_STREAM_REVISION when loaded without one. */
  readonly snapshotRevision: bigint;
  readonly recentCommands: RecentCommands;
}

export class AggregateLoader {
  constructor(
    private readonly client: EventStoreDBClient,
    private readonly serializer: EventSerializer,
    private readonly snapshots: SnapshotStore,
    private readonly idempotencyWindow: number,
    private readonly cache: AggregateCache,
  ) {}

  async load<S, C extends Command, E extends DomainEvent>(
    decider: Decider<S, C, E>,
    streamName: string,
    options: LoadOptions = {},
  ): Promise<LoadedAggregate<S>> {
    const useCache = options.useCache !== false && options.useSnapshot !== false;
    const start =
      (useCache ? this.cache.get<S>(streamName, decider) : undefined) ??
      (await this.fromSnapshot(decider, streamName, options));
    let state = start.state;
    let revision = start.revision;
    const recentCommands = start.recentCommands;
    const found = await forEachEvent<E>(
      this.client,
      this.serializer,
      streamName,
      { fromRevision: revision + 1n },
      (stored) => {
        state = decider.evolve(state, stored.event);
        revision = stored.revision;
        recentCommands.track(stored);
      },
    );
    // A snapshot (or cache entry) outliving its soft-deleted stream must not resurrect the aggregate.
    if (found === 'not_found') {
      this.cache.delete(streamName);
      return this.initial(decider);
    }
    const loaded = { state, revision, snapshotRevision: start.snapshotRevision, recentCommands };
    if (useCache) this.cache.set(streamName, decider, loaded);
    return loaded;
  }

  /**
   * The last state this process saw of the stream, without asking the server whether events were appended
   * since. Only for an optimistic append: its expected revision makes a stale entry fail safely.
   */
  cached<S>(streamName: string, decider: object): LoadedAggregate<S> | undefined {
    return this.cache.get<S>(streamName, decider);
  }

  /** Called after a successful append with the state it produced, so the next command need not reload. */
  remember<S>(streamName: string, decider: object, aggregate: LoadedAggregate<S>): void {
    this.cache.set(streamName, decider, aggregate);
  }

  private async fromSnapshot<S, C extends Command, E extends DomainEvent>(
    decider: Decider<S, C, E>,
    streamName: string,
    options: LoadOptions,
  ): Promise<LoadedAggregate<S>> {
    const policy = options.useSnapshot === false ? undefined : decider.snapshots;
    const snapshot = policy ? await this.snapshots.read(streamName, policy) : undefined;
    if (snapshot) return { ...snapshot, snapshotRevision: snapshot.revision };
    return this.initial(decider);
  }

  /** The aggregate of a stream that does not exist. */
  initial<S, C extends Command, E extends DomainEvent>(decider: Decider<S, C, E>): LoadedAggregate<S> {
    return {
      state: decider.initialState(),
      revision: NO_STREAM_REVISION,
      snapshotRevision: NO_STREAM_REVISION,
      recentCommands: new RecentCommands(this.idempotencyWindow),
    };
  }
}
