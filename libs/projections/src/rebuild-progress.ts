import { type EventStoreDBClient } from '@eventstore/db-client';
import { checkpointId, type CheckpointStore } from './checkpoint-store';
import { pendingEvents, type SubscriptionSource } from './event-scan';

export interface RebuildProgress {
  processed: number;
  /**
   * Fixed at the start (see {@link expectedEvents}); it grows only when the replay finds more events than
   * expected, and is exact once done.
   */
  total: number;
  /** Average since the start; at least 1 once anything was processed. */
  eventsPerSecond: number;
  etaSeconds: number | null;
  done: boolean;
}

/** Pending events counted exactly up to this many. */
const PENDING_SCAN_LIMIT = 10_000;

/**
 * How many events a full replay of `definition` will apply: what its live view has applied (its checkpoint
 * counts them) plus what the live view has still to apply, counted up to 10,000. No second read of the whole
 * log: the estimate is short only when a new version handles event types the live one did not.
 */
export async function expectedEvents(
  esdb: EventStoreDBClient,
  checkpoints: CheckpointStore,
  definition: SubscriptionSource,
): Promise<number> {
  const live = await checkpoints.get(checkpointId(definition.name));
  const pending = await pendingEvents(esdb, definition, live?.position ?? null, PENDING_SCAN_LIMIT);
  return (live?.processed ?? 0) + pending.length;
}

/** Progress toward a total fixed at the start, with the average rate since then. */
export class ProgressMeter {
  private readonly started: number;

  constructor(
    private readonly expected: number,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  at(processed: number): RebuildProgress {
    const total = Math.max(this.expected, processed);
    const rate = this.rate(processed);
    return {
      processed,
      total,
      eventsPerSecond: rate > 0 ? Math.max(1, Math.round(rate)) : 0,
      etaSeconds: rate > 0 ? Math.round((total - processed) / rate) : null,
      done: false,
    };
  }

  done(processed: number): RebuildProgress {
    return { ...this.at(processed), total: processed, etaSeconds: 0, done: true };
  }

  private rate(processed: number): number {
    return processed / Math.max(0.001, (this.now() - this.started) / 1000);
  }
}
