import { type EventStoreDBClient } from '@eventstore/db-client';
import { type Command, type Decider, type DomainEvent } from '@shop/event-sourcing';
import { type EventSerializer } from './event-serializer';
import { RecentCommands } from './recent-commands';
import { type SnapshotStore } from './snapshot-store';
import { forEachEvent } from './stream-reader';

/** Revision of a stream that does not exist (yet). Matches EventStoreDB's classic "-1 = no stream". */
export const NO_STREAM_REVISION = -1n;

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
  ) {}

  async load<S, C extends Command, E extends DomainEvent>(
    decider: Decider<S, C, E>,
    streamName: string,
    options: { useSnapshot?: boolean } = {},
  ): Promise<LoadedAggregate<S>> {
    const policy = options.useSnapshot === false ? undefined : decider.snapshots;
    const snapshot = policy ? await this.snapshots.read(streamName, policy) : undefined;
    let state = snapshot ? snapshot.state : decider.initialState();
    let revision = snapshot ? snapshot.revision : NO_STREAM_REVISION;
    const recentCommands = snapshot ? snapshot.recentCommands : new RecentCommands(this.idempotencyWindow);
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
    // A snapshot outliving its (soft-deleted) stream must not resurrect the aggregate.
    if (found === 'not_found') {
      return {
        state: decider.initialState(),
        revision: NO_STREAM_REVISION,
        snapshotRevision: NO_STREAM_REVISION,
        recentCommands: new RecentCommands(this.idempotencyWindow),
      };
    }
    return {
      state,
      revision,
      snapshotRevision: snapshot ? snapshot.revision : NO_STREAM_REVISION,
      recentCommands,
    };
  }
}
