import { type StoredEvent } from '@shop/event-sourcing';

/** Revisions of the events one idempotent command appended (they are always contiguous: one append). */
export interface CommandRange {
  readonly first: bigint;
  readonly last: bigint;
}

/**
 * The idempotent commands seen in the last `capacity` commands of a stream, keyed by the id of the first event
 * each appended. Loading rebuilds it while folding (and carries it in snapshots, which hide older events), so a
 * retried command is recognised even after the stream has moved on. Older keys fall out of the window: a
 * retry arriving after `capacity` further idempotent commands executes again.
 */
export class RecentCommands {
  private readonly ranges = new Map<string, { first: bigint; last: bigint }>();
  private lastKey: string | undefined;
  private lastFirstId: string | undefined;

  constructor(private readonly capacity: number) {}

  track(event: StoredEvent): void {
    const key = event.metadata.idempotencyKey;
    if (key === undefined) {
      this.lastKey = undefined;
      return;
    }
    const open =
      key === this.lastKey && this.lastFirstId !== undefined ? this.ranges.get(this.lastFirstId) : undefined;
    if (open && open.last + 1n === event.revision) {
      open.last = event.revision;
      return;
    }
    this.remember(event.metadata.eventId, { first: event.revision, last: event.revision });
    this.lastKey = key;
    this.lastFirstId = event.metadata.eventId;
  }

  remember(firstEventId: string, range: CommandRange): void {
    this.ranges.set(firstEventId, { ...range });
    this.lastKey = undefined;
    if (this.ranges.size > this.capacity) {
      const oldest = this.ranges.keys().next();
      if (!oldest.done) this.ranges.delete(oldest.value);
    }
  }

  find(firstEventId: string): CommandRange | undefined {
    return this.ranges.get(firstEventId);
  }

  clone(): RecentCommands {
    const copy = new RecentCommands(this.capacity);
    for (const [id, range] of this.ranges) copy.ranges.set(id, { ...range });
    return copy;
  }

  toJSON(): Array<[string, string, string]> {
    return [...this.ranges].map(([id, { first, last }]) => [id, String(first), String(last)]);
  }

  static fromJSON(json: unknown, capacity: number): RecentCommands | undefined {
    if (!Array.isArray(json)) return undefined;
    const restored = new RecentCommands(capacity);
    for (const entry of json) {
      if (!Array.isArray(entry) || entry.length !== 3 || !entry.every((part) => typeof part === 'string')) {
        return undefined;
      }
      const [id, first, last] = entry as [string, string, string];
      restored.ranges.set(id, { first: BigInt(first), last: BigInt(last) });
    }
    return restored;
  }
}
