import type { StoredEvent } from '../storage/stored-event';

/** Per-stream index: revision r is `events[r]` (revisions are dense from 0, soft deletes included). */
export class StreamState {
  readonly events: StoredEvent[] = [];
  tombstoned = false;
  private ids: Map<string, number> | null = null;

  constructor(readonly name: string) {}

  get lastRevision(): number {
    return this.events.length - 1;
  }

  add(event: StoredEvent): void {
    this.events.push(event);
    this.ids?.set(event.id, event.revision);
  }

  /** Built on first use: only `any`/`stream_exists` idempotency needs an id lookup. */
  revisionOfId(id: string): number | undefined {
    if (!this.ids) {
      this.ids = new Map();
      for (const event of this.events) this.ids.set(event.id, event.revision);
    }
    return this.ids.get(id);
  }

  /** Number of leading events that are durable (events are in log order, durability is a prefix). */
  durableLength(durableSeq: number): number {
    const events = this.events;
    let lo = 0;
    let hi = events.length;
    if (hi === 0 || events[hi - 1]!.seq < durableSeq) return hi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (events[mid]!.seq < durableSeq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
