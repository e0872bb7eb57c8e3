import { type StoredEvent } from '@shop/event-sourcing';

/** Revisions of the events one idempotent command appended (always contiguous: one append). */
export interface CommandRange {
  readonly first: bigint;
  readonly last: bigint;
  /** The request the key came with (CommandMetadata.requestFingerprint), when the caller sent one. */
  readonly fingerprint?: string;
}

// Snapshots written before keys were stored by key (and with fingerprints) are arrays; they are refused, so
// the aggregate is replayed from its events once and the next snapshot has this shape.
const JSON_VERSION = 2;

/**
 * The idempotent commands seen in the last `capacity` commands of a stream, by idempotency key. Loading
 * rebuilds it while folding (and carries it in snapshots, which hide older events), so a retried command is
 * recognised even after the stream has moved on. Older keys fall out of the window: a retry arriving after
 * `capacity` further idempotent commands executes again.
 */
export class RecentCommands {
  private readonly ranges = new Map<string, { first: bigint; last: bigint; fingerprint?: string }>();
  private lastKey: string | undefined;

  constructor(private readonly capacity: number) {}

  track(event: StoredEvent): void {
    const key = event.metadata.idempotencyKey;
    if (key === undefined) {
      this.lastKey = undefined;
      return;
    }
    const open = key === this.lastKey ? this.ranges.get(key) : undefined;
    if (open && open.last + 1n === event.revision) {
      open.last = event.revision;
      return;
    }
    const fingerprint = event.metadata.requestFingerprint;
    this.remember(key, {
      first: event.revision,
      last: event.revision,
      ...(fingerprint !== undefined ? { fingerprint } : {}),
    });
    this.lastKey = key;
  }

  remember(key: string, range: CommandRange): void {
    // Re-inserted, so a key used again (after it fell out of another stream's window) counts as the newest.
    this.ranges.delete(key);
    this.ranges.set(key, { ...range });
    this.lastKey = undefined;
    if (this.ranges.size > this.capacity) {
      const oldest = this.ranges.keys().next();
      if (!oldest.done) this.ranges.delete(oldest.value);
    }
  }

  find(key: string): CommandRange | undefined {
    return this.ranges.get(key);
  }

  clone(): RecentCommands {
    const copy = new RecentCommands(this.capacity);
    for (const [key, range] of this.ranges) copy.ranges.set(key, { ...range });
    return copy;
  }

  toJSON(): { v: number; commands: string[][] } {
    return {
      v: JSON_VERSION,
      commands: [...this.ranges].map(([key, { first, last, fingerprint }]) =>
        fingerprint === undefined
          ? [key, String(first), String(last)]
          : [key, String(first), String(last), fingerprint],
      ),
    };
  }

  static fromJSON(json: unknown, capacity: number): RecentCommands | undefined {
    if (typeof json !== 'object' || json === null) return undefined;
    const { v, commands } = json as { v?: unknown; commands?: unknown };
    if (v !== JSON_VERSION || !Array.isArray(commands)) return undefined;
    const restored = new RecentCommands(capacity);
    for (const entry of commands) {
      if (
        !Array.isArray(entry) ||
        (entry.length !== 3 && entry.length !== 4) ||
        !entry.every((part) => typeof part === 'string') ||
        !/^\d+$/.test(entry[1] as string) ||
        !/^\d+$/.test(entry[2] as string)
      ) {
        return undefined;
      }
      const [key, first, last, fingerprint] = entry as [string, string, string, string | undefined];
      restored.ranges.set(key, {
        first: BigInt(first),
        last: BigInt(last),
        ...(fingerprint !== undefined ? { fingerprint } : {}),
      });
    }
    return restored;
  }
}
