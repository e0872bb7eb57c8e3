import { type EventStoreDBClient } from '@eventstore/db-client';
import { type Command, type Decider, type DomainEvent, type StoredEvent } from '@shop/event-sourcing';
import { type RetryPolicy } from 'cockatiel';
import { NO_STREAM_REVISION } from './aggregate-loader';
import { type EventSerializer } from './event-serializer';
import { diffStates, type StateChange } from './state-diff';
import { forEachEvent, readEvents } from './stream-reader';

export interface EventPage<E extends DomainEvent = DomainEvent> {
  readonly events: readonly StoredEvent<E>[];
  /** Pass as `fromRevision` to get the next page; absent on the last page. */
  readonly nextRevision?: bigint;
}

export interface StateAt<S> {
  readonly state: S;
  /** Revision of the last event folded; NO_STREAM_REVISION if none. */
  readonly revision: bigint;
}

export interface StateDiff<S, E extends DomainEvent> {
  readonly from: StateAt<S>;
  readonly to: StateAt<S>;
  /** The events between the two revisions: (from, to]. */
  readonly events: readonly StoredEvent<E>[];
  readonly changes: readonly StateChange[];
}

/** `revision`: state after that event (inclusive); `time`: state after every event that occurred by then. */
export type PointInHistory = { readonly revision: bigint } | { readonly time: Date };

/**
 * Read-only views of a stream for operators: paging, time travel and diffs. Always replays from the first
 * event (snapshots only hold the latest state), which is fine for inspection, not for the command path.
 */
export class StreamInspector {
  constructor(
    private readonly client: EventStoreDBClient,
    private readonly serializer: EventSerializer,
    private readonly readRetry: RetryPolicy,
  ) {}

  async readPage<E extends DomainEvent = DomainEvent>(
    streamName: string,
    options: { fromRevision?: bigint; pageSize?: number; direction?: 'forwards' | 'backwards' } = {},
  ): Promise<EventPage<E>> {
    const pageSize = options.pageSize ?? 100;
    const direction = options.direction ?? 'forwards';
    // One extra event tells whether another page exists without a second round trip.
    const events = await this.readRetry.execute(() =>
      readEvents<E>(this.client, this.serializer, streamName, {
        direction,
        maxCount: pageSize + 1,
        ...(options.fromRevision !== undefined ? { fromRevision: options.fromRevision } : {}),
      }),
    );
    const next = events[pageSize];
    return { events: events.slice(0, pageSize), ...(next ? { nextRevision: next.revision } : {}) };
  }

  async stateAt<S, C extends Command, E extends DomainEvent>(
    decider: Decider<S, C, E>,
    streamName: string,
    at: PointInHistory,
  ): Promise<StateAt<S>> {
    const { state, revision } = await this.replay(decider, streamName, at);
    return { state, revision };
  }

  async diff<S, C extends Command, E extends DomainEvent>(
    decider: Decider<S, C, E>,
    streamName: string,
    fromRevision: bigint,
    toRevision: bigint,
  ): Promise<StateDiff<S, E>> {
    if (toRevision < fromRevision) throw new RangeError('toRevision must not be before fromRevision');
    const to = await this.replay(decider, streamName, { revision: toRevision }, fromRevision);
    const toJson = (state: S): unknown =>
      JSON.parse(JSON.stringify(decider.snapshots?.serialize?.(state) ?? state));
    return {
      from: to.before,
      to: { state: to.state, revision: to.revision },
      events: to.events,
      changes: diffStates(toJson(to.before.state), toJson(to.state)),
    };
  }

  /** Folds up to `at`; also captures the state at `splitAt` and the events after it, for diffs. */
  private replay<S, C extends Command, E extends DomainEvent>(
    decider: Decider<S, C, E>,
    streamName: string,
    at: PointInHistory,
    splitAt = NO_STREAM_REVISION,
  ) {
    return this.readRetry.execute(async () => {
      let state = decider.initialState();
      let revision = NO_STREAM_REVISION;
      let before: StateAt<S> = { state, revision };
      const events: StoredEvent<E>[] = [];
      const limit = 'time' in at ? at.time.getTime() : undefined;
      let done = 'revision' in at && at.revision < 0n;
      const bounded = 'revision' in at && at.revision >= 0n ? { maxCount: Number(at.revision + 1n) } : {};
      await forEachEvent<E>(this.client, this.serializer, streamName, bounded, (stored) => {
        if (done) return;
        const beyond =
          limit === undefined
            ? stored.revision > (at as { revision: bigint }).revision
            : Date.parse(stored.metadata.occurredAt) > limit;
        if (beyond) {
          done = true;
          return;
        }
        state = decider.evolve(state, stored.event);
        revision = stored.revision;
        if (revision <= splitAt) before = { state, revision };
        else events.push(stored);
      });
      return { state, revision, before, events };
    });
  }
}
