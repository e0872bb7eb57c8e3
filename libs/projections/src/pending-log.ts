import { type EventStoreDBClient, START } from '@eventstore/db-client';
import { type LogPosition } from '@shop/event-sourcing';
import { type SubscriptionSource } from './event-scan';
import { comparePositions, hasReached } from './position';
import { SharedScan } from './shared-scan';

export interface PendingLogOptions {
  /** Events per read call; every call is read to its end, so none is cancelled. */
  pageSize: number;
  /** Events read per scan at most: a projection far behind is learned over several scans, not one long one. */
  readBudget: number;
  /** Known pending events at most: reading ahead stops there until the runner applies some. */
  maxPending: number;
}

const DEFAULT_OPTIONS: PendingLogOptions = { pageSize: 512, readBudget: 8_192, maxPending: 10_000 };

/** How one waitFor learns where its projection stands: the applied checkpoint, and a way to wait for it. */
export interface ProgressSource {
  checkpoint(): LogPosition | null | Promise<LogPosition | null>;
  /** Resolves when the checkpoint is no longer `seen` (or may not be), or after `timeoutMs`. */
  changed(seen: LogPosition | null, timeoutMs: number): Promise<void>;
}

/**
 * What one projection still has to apply, learned by reading $all forwards from where it last read, in
 * pages that run to their end. Read-your-writes used to answer "is anything of mine pending up to this
 * position?" with a filtered subscription cancelled once caught up; at a few hundred waits per second those
 * cancels made the server end the connection (see CancelBudget). This knowledge is kept between waits, so
 * each scan reads only what was appended since the previous one, and concurrent waits share a scan.
 */
export class PendingLog {
  /** $all has been read up to here (inclusive); null before anything was read. */
  private through: LogPosition | null = null;
  /** Positions of this projection's events in (floor, through], ascending. */
  private pending: LogPosition[] = [];
  /** The checkpoint the knowledge was settled against: a checkpoint behind it means a reset. */
  private floor: LogPosition | null = null;
  /** Bumped when the knowledge is dropped, so a read in flight stops adding to it. */
  private epoch = 0;
  private readonly types: ReadonlySet<string>;
  private readonly scan = new SharedScan(() => this.read());
  private readonly options: PendingLogOptions;

  constructor(
    private readonly esdb: EventStoreDBClient,
    source: SubscriptionSource,
    options: Partial<PendingLogOptions> = {},
  ) {
    this.types = new Set(source.eventTypes);
    this.options = { ...DEFAULT_OPTIONS, ...options };
  }

  /**
   * Resolves true once every event of the projection's types up to `position` is applied (the checkpoint has
   * passed the last of them), false when `timeoutMs` runs out first.
   */
  async waitFor(position: LogPosition, timeoutMs: number, progress: ProgressSource): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    // Covered: a read that started after this call has gone past `position` or to the head of $all, so
    // every event up to `position` is known (a position beyond the head has nothing to wait for).
    let covered = false;
    for (;;) {
      let checkpoint = await progress.checkpoint();
      if (hasReached(checkpoint, position)) return true;
      this.settle(checkpoint);
      if (!covered) {
        const atHead = await this.scan.run();
        covered = atHead || hasReached(this.through, position);
        checkpoint = await progress.checkpoint(); // it may have moved during the read
        if (hasReached(checkpoint, position)) return true;
        this.settle(checkpoint);
      }
      const target = this.lastPendingUpTo(position);
      if (covered && !target) return true;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return false;
      // Not covered yet: read on at once, unless as much is known as may be. Otherwise wait for the runner
      // to apply the last event that counts.
      if (covered || this.pending.length >= this.options.maxPending) {
        await progress.changed(checkpoint, remaining);
      }
    }
  }

  /** Drops what the checkpoint has passed; a checkpoint that went back (reset, rebuild) forgets everything. */
  private settle(checkpoint: LogPosition | null): void {
    if (this.floor && !hasReached(checkpoint, this.floor)) {
      this.through = null;
      this.pending = [];
      this.epoch++;
    }
    this.floor = checkpoint;
    if (!checkpoint) return;
    let applied = 0;
    while (applied < this.pending.length && hasReached(checkpoint, this.pending[applied]!)) applied++;
    if (applied > 0) this.pending.splice(0, applied);
    if (!hasReached(this.through, checkpoint)) this.through = checkpoint;
  }

  private lastPendingUpTo(position: LogPosition): LogPosition | undefined {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      if (comparePositions(this.pending[i]!, position) <= 0) return this.pending[i];
    }
    return undefined;
  }

  /** Reads on from `through` up to the read budget; true when it reached the head of $all. */
  private async read(): Promise<boolean> {
    const { pageSize, readBudget, maxPending } = this.options;
    const epoch = this.epoch;
    for (let read = 0; read < readBudget && epoch === this.epoch && this.pending.length < maxPending;) {
      const from = this.through;
      let returned = 0;
      // Never leave this loop early: an unfinished read is a cancelled call.
      for await (const resolved of this.esdb.readAll({
        fromPosition: from ? { commit: from.commit, prepare: from.prepare } : START,
        maxCount: pageSize,
      })) {
        returned++;
        const event = resolved.event;
        if (epoch !== this.epoch || !event?.position) continue;
        // `from` itself comes first; `through` may have moved past the page if the checkpoint did meanwhile.
        if (this.through && comparePositions(event.position, this.through) <= 0) continue;
        if (this.types.has(event.type)) this.pending.push(event.position);
        this.through = event.position;
      }
      read += returned;
      if (returned < pageSize) return true;
    }
    return false;
  }
}
