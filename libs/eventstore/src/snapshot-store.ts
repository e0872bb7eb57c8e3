import {
  BACKWARDS,
  END,
  type EventStoreDBClient,
  jsonEvent,
  StreamNotFoundError,
} from '@eventstore/db-client';
import { type SnapshotPolicy } from '@shop/event-sourcing';
import { toEventStoreError } from './errors';
import { assertJson } from './event-serializer';
import { RecentCommands } from './recent-commands';

/**
 * `product-42` -> `snapshot_product-42`: the category (`snapshot_product`) stays dash-free, and every snapshot
 * stream shares one prefix, so subscribers to $all can exclude them with one stream-prefix filter.
 */
export const snapshotStreamName = (streamName: string): string => `snapshot_${streamName}`;

// `$`-prefixed so that $all subscriptions excluding system events skip snapshots, and folding ignores them.
const SNAPSHOT_EVENT_TYPE = '$snapshot';

export interface Snapshot<S> {
  readonly state: S;
  /** Revision of the aggregate stream's last event folded into `state`. */
  readonly revision: bigint;
  readonly recentCommands: RecentCommands;
}

interface SnapshotData {
  readonly stateSchemaVersion: number;
  readonly revision: string;
  readonly state: unknown;
  readonly recentCommands: unknown;
}

export class SnapshotStore {
  constructor(
    private readonly client: EventStoreDBClient,
    private readonly idempotencyWindow: number,
  ) {}

  /**
   * The latest snapshot if it was written for this state schema version and parses; otherwise undefined, and
   * the caller replays from the first event. A snapshot is a cache: never trusted over the events.
   */
  async read<S>(streamName: string, policy: SnapshotPolicy<S>): Promise<Snapshot<S> | undefined> {
    let data: unknown;
    try {
      for await (const resolved of this.client.readStream(snapshotStreamName(streamName), {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: 1,
      })) {
        if (resolved.event?.type === SNAPSHOT_EVENT_TYPE) data = resolved.event.data;
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return undefined;
      throw toEventStoreError(error, streamName);
    }
    return parse(data, policy, this.idempotencyWindow);
  }

  async write<S>(streamName: string, policy: SnapshotPolicy<S>, snapshot: Snapshot<S>): Promise<void> {
    const data: SnapshotData = {
      stateSchemaVersion: policy.schemaVersion,
      revision: String(snapshot.revision),
      state: policy.serialize ? policy.serialize(snapshot.state) : snapshot.state,
      recentCommands: snapshot.recentCommands.toJSON(),
    };
    assertJson(data, `snapshot of ${streamName}`);
    const name = snapshotStreamName(streamName);
    const result = await this.client.appendToStream(
      name,
      jsonEvent({ type: SNAPSHOT_EVENT_TYPE, data: data as unknown as Record<string, unknown> }),
    );
    // Only the latest snapshot is ever read; $maxCount lets the server scavenge the others. Set once, when the
    // snapshot stream is created.
    if (result.nextExpectedRevision === 0n) await this.client.setStreamMetadata(name, { maxCount: 1 });
  }
}

const parse = <S>(data: unknown, policy: SnapshotPolicy<S>, window: number): Snapshot<S> | undefined => {
  if (typeof data !== 'object' || data === null) return undefined;
  const candidate = data as Partial<SnapshotData>;
  if (candidate.stateSchemaVersion !== policy.schemaVersion || typeof candidate.revision !== 'string') {
    return undefined;
  }
  const recentCommands = RecentCommands.fromJSON(candidate.recentCommands, window);
  if (!recentCommands || !/^\d+$/.test(candidate.revision)) return undefined;
  try {
    const state = policy.deserialize ? policy.deserialize(candidate.state) : (candidate.state as S);
    return { state, revision: BigInt(candidate.revision), recentCommands };
  } catch {
    return undefined;
  }
};
