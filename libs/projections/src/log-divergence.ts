import { type EventStoreDBClient } from '@eventstore/db-client';
import { type LogPosition, UnavailableError } from '@shop/event-sourcing';
import { checkpointId, type CheckpointStore } from './checkpoint-store';
import { headOfAll } from './event-scan';
import { comparePositions, formatPosition } from './position';

/** A read model whose checkpoint lies beyond the newest event of $all: it shows events the log lost. */
export interface AheadOfLog {
  name: string;
  checkpoint: LogPosition;
  head: LogPosition | null;
}

/** How long one comparison serves later callers (readiness probes, every `?position=` read). */
const CACHE_MS = 1_000;

/**
 * Detects read models ahead of the event log: after the log was restored from a backup, salvaged, or lost
 * acknowledged events, a checkpoint can point past its end. Such a view serves data the log no longer has,
 * so it must never answer a read-your-writes wait, and readiness must say why.
 */
export class LogDivergence {
  private cached: { at: number; result: Promise<AheadOfLog[]> } | null = null;

  constructor(
    private readonly esdb: EventStoreDBClient,
    private readonly checkpoints: CheckpointStore,
    private readonly names: readonly string[],
  ) {}

  check(): Promise<AheadOfLog[]> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.result;
    const result = this.compare();
    this.cached = { at: Date.now(), result };
    result.catch(() => (this.cached = null));
    return result;
  }

  async assertNotAhead(name: string): Promise<void> {
    const ahead = (await this.check()).find((a) => a.name === name);
    if (!ahead) return;
    throw new UnavailableError(
      'read_model_ahead_of_log',
      `The ${name} view is ahead of the event log (checkpoint ${formatPosition(ahead.checkpoint)}, newest ` +
        `event ${formatPosition(ahead.head)}): it shows events the log no longer has, so it cannot answer ` +
        'a position wait until it is rebuilt',
      { projection: name, checkpoint: formatPosition(ahead.checkpoint), head: formatPosition(ahead.head) },
    );
  }

  /** The loud startup message, or null when every checkpoint is within the log. */
  static describe(ahead: readonly AheadOfLog[]): string | null {
    if (ahead.length === 0) return null;
    const list = ahead.map((a) => `${a.name} at ${formatPosition(a.checkpoint)}`).join(', ');
    return (
      `READ MODELS AHEAD OF THE EVENT LOG (newest event ${formatPosition(ahead[0]!.head)}): ${list}. ` +
      'They show events the log no longer has (a restored, salvaged or damaged log); position waits on them ' +
      'answer 503 and readiness is down until `eventshop projections rebuild --all`'
    );
  }

  private async compare(): Promise<AheadOfLog[]> {
    const head = await headOfAll(this.esdb);
    const ahead: AheadOfLog[] = [];
    for (const name of this.names) {
      const checkpoint = (await this.checkpoints.get(checkpointId(name)))?.position ?? null;
      if (checkpoint && (head === null || comparePositions(checkpoint, head) > 0)) {
        ahead.push({ name, checkpoint, head });
      }
    }
    return ahead;
  }
}
