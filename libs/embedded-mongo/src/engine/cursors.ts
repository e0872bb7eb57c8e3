import { calculateObjectSize, Long } from 'bson';
import type { Doc } from '../bson/values';
import { MongoServerError } from './errors';

const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 16 * 1024;
const DEFAULT_FIRST_BATCH = 101;

/**
 * A materialized result. `sizes` (stored BSON sizes) keep batches under the reply limit without re-measuring;
 * `project` runs per batch, so a large result only pays for the documents actually fetched.
 */
export interface CursorSource {
  docs: Doc[];
  sizes?: number[];
  project?: (docs: Doc[]) => Doc[];
}

interface OpenCursor {
  id: Long;
  ns: string;
  source: CursorSource;
  pos: number;
  lastUsed: number;
}

/** Open server-side cursors: a materialized result (documents are immutable) consumed batch by batch. */
export class CursorRegistry {
  private readonly open = new Map<string, OpenCursor>();
  private next = 1n;

  constructor(private readonly timeoutMs: number) {}

  get size(): number {
    return this.open.size;
  }

  /** A fresh cursor id (change-stream cursors draw from the same sequence). */
  allocateId(): Long {
    return Long.fromBigInt(this.next++);
  }

  /** Builds the first reply; keeps the rest as an open cursor unless everything fits or `single` is set. */
  first(ns: string, source: CursorSource, batchSize: number | undefined, single: boolean): Doc {
    const cur: OpenCursor = { id: Long.ZERO, ns, source, pos: 0, lastUsed: Date.now() };
    const batch = this.take(cur, batchSize ?? DEFAULT_FIRST_BATCH);
    if (!single && cur.pos < source.docs.length) {
      cur.id = this.allocateId();
      this.open.set(cur.id.toString(), cur);
    }
    return { cursor: { firstBatch: batch, id: cur.id, ns }, ok: 1 };
  }

  more(id: Long, ns: string, batchSize: number | undefined): Doc {
    const key = id.toString();
    const cur = this.open.get(key);
    if (!cur) throw new MongoServerError(43, `cursor id ${key} not found`);
    if (cur.ns !== ns)
      throw new MongoServerError(
        13,
        `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cur.ns}`,
      );
    cur.lastUsed = Date.now();
    const batch = this.take(cur, batchSize ?? Infinity);
    const done = cur.pos >= cur.source.docs.length;
    if (done) this.open.delete(key);
    return { cursor: { nextBatch: batch, id: done ? Long.ZERO : cur.id, ns }, ok: 1 };
  }

  kill(ids: Long[]): Doc {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const id of ids) (this.open.delete(id.toString()) ? killed : notFound).push(id);
    return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
  }

  expire(): void {
    const now = Date.now();
    for (const [k, c] of this.open) if (now - c.lastUsed > this.timeoutMs) this.open.delete(k);
  }

  clear(): void {
    this.open.clear();
  }

  private take(cur: OpenCursor, batchSize: number): Doc[] {
    const n = batchSize > 0 ? batchSize : Infinity;
    const { docs, sizes } = cur.source;
    const out: Doc[] = [];
    let bytes = 0;
    while (cur.pos < docs.length && out.length < n) {
      const doc = docs[cur.pos] as Doc;
      const size = sizes?.[cur.pos] ?? calculateObjectSize(doc);
      if (out.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
      bytes += size;
      out.push(doc);
      cur.pos++;
    }
    return cur.source.project ? cur.source.project(out) : out;
  }
}
