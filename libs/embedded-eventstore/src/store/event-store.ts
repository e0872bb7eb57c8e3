import type { EventLog } from '../storage/event-log';
import type { EncodableEvent } from '../storage/record-codec';
import type { ProposedEvent, StoredEvent } from '../storage/stored-event';
import type { ExpectedRevision, WriteResult } from './expected-revision';
import { actualStateOf, passesCheck } from './consistency-check';
import { checkExpected } from './idempotency';
import type { StreamMetadata } from './stream-metadata';
import { NO_METADATA, SOFT_DELETE_METADATA, parseStreamMetadata, reopenedMetadata } from './stream-metadata';
import { StreamState } from './stream-state';

export const metastreamOf = (stream: string): string => `$$${stream}`;

/**
 * The in-memory index over the log plus the write rules. Writes are decided and assigned positions
 * synchronously (JavaScript's single thread is the write lock), then acknowledged once the log says the
 * bytes are durable. Readers only ever see the durable prefix of the log.
 */
export class EventStore {
  readonly all: StoredEvent[] = [];
  private durable = 0;
  private readonly streams = new Map<string, StreamState>();
  private readonly listeners = new Set<() => void>();
  private failure: Error | null = null;

  constructor(private readonly log: EventLog) {}

  /** `records` must be the whole log in order, with `seq` = index (as recovery produces them). */
  static recover(log: EventLog, records: readonly StoredEvent[]): EventStore {
    const store = new EventStore(log);
    for (const event of records) store.index(event);
    store.durable = store.all.length;
    return store;
  }

  /** Number of events visible to readers: `all[0 .. durableCount)`. */
  get durableCount(): number {
    return this.durable;
  }

  stream(name: string): StreamState | undefined {
    return this.streams.get(name);
  }

  /** Metadata of `stream` as of the durable log (readers) or including pending writes (writers). */
  metadataOf(stream: string, includePending = false): StreamMetadata {
    const meta = this.streams.get(metastreamOf(stream));
    if (!meta) return NO_METADATA;
    const length = includePending ? meta.events.length : meta.durableLength(this.durable);
    return parseStreamMetadata(meta.events[length - 1]);
  }

  /** Called after every advance of the durable prefix; returns an unsubscribe function. */
  onDurable(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  append(
    streamName: string,
    expected: ExpectedRevision,
    proposed: readonly ProposedEvent[],
  ): Promise<WriteResult> {
    this.throwIfFailed();
    const decision = this.decide(streamName, expected, proposed);
    if (decision.kind !== 'write') return this.whenDurable(decision);
    const last = this.streams.get(streamName)?.lastRevision ?? -1;
    if (proposed.length === 0) return Promise.resolve({ kind: 'success', revision: last, position: null });
    return this.commit(this.encode(streamName, proposed, Date.now()));
  }

  /**
   * All-or-nothing append to several (distinct) streams: every expected revision is checked first, and
   * only if all hold are all events written, in one log write. Otherwise nothing is written and the
   * first failing write is reported by its index.
   */
  appendMulti(
    writes: readonly { stream: string; expected: ExpectedRevision; events: readonly ProposedEvent[] }[],
  ): Promise<
    { kind: 'success'; results: WriteResult[] } | { kind: 'failed'; index: number; result: WriteResult }
  > {
    this.throwIfFailed();
    for (const [index, write] of writes.entries()) {
      const decision = this.decide(write.stream, write.expected, write.events);
      // An idempotent replay is no write either: the whole session must be new for an atomic answer.
      if (decision.kind !== 'write') {
        return Promise.resolve({ kind: 'failed', index, result: decision });
      }
    }
    const now = Date.now();
    const batches = writes.map((write) => this.encode(write.stream, write.events, now));
    const all = batches.flat();
    if (all.length === 0) return Promise.resolve({ kind: 'success', results: [] });
    return this.commit(all).then(() => ({
      kind: 'success' as const,
      results: batches.map((events, i) => {
        const last = events[events.length - 1];
        if (!last) {
          const revision = this.streams.get(writes[i]!.stream)?.lastRevision ?? -1;
          return { kind: 'success' as const, revision, position: null };
        }
        const stored = this.streams.get(last.streamName)!.events[last.revision]!;
        return { kind: 'success' as const, revision: last.revision, position: stored.position };
      }),
    }));
  }

  /**
   * The newer protocol's AppendRecords: every check (a stream and its expected state, see
   * consistency-check) is evaluated first; if any fails nothing is written and all failures are returned;
   * otherwise the records are written in request order (interleaved across streams) in one log write.
   */
  appendRecords(
    records: readonly { stream: string; event: ProposedEvent }[],
    checks: readonly { stream: string; expected: number }[],
  ): Promise<
    | { kind: 'success'; revisions: Map<string, number>; position: number }
    | { kind: 'failed'; violations: { index: number; actual: number }[] }
  > {
    this.throwIfFailed();
    const violations: { index: number; actual: number }[] = [];
    checks.forEach((check, index) => {
      const state = this.streams.get(check.stream);
      const meta = this.metadataOf(check.stream, true);
      if (!passesCheck(check.expected, state, meta))
        violations.push({ index, actual: actualStateOf(state, meta) });
    });
    if (violations.length > 0) return Promise.resolve({ kind: 'failed', violations });
    const now = Date.now();
    const next = new Map<string, number>();
    const encodable: EncodableEvent[] = [];
    for (const { stream, event } of records) {
      let revision = next.get(stream);
      if (revision === undefined) {
        const reopen = this.reopenOf(stream, now);
        if (reopen) encodable.push(reopen);
        revision = (this.streams.get(stream)?.lastRevision ?? -1) + 1;
      }
      next.set(stream, revision + 1);
      encodable.push({ ...event, streamName: stream, revision, tombstone: false, createdMs: now });
    }
    const revisions = new Map([...next].map(([stream, n]) => [stream, n - 1]));
    return this.commit(encodable).then((last) => ({
      kind: 'success' as const,
      revisions,
      position: last.kind === 'success' ? (last.position ?? 0) : 0,
    }));
  }

  private decide(streamName: string, expected: ExpectedRevision, proposed: readonly ProposedEvent[]) {
    const state = this.streams.get(streamName);
    const meta = this.metadataOf(streamName, true);
    const hasMetastream = this.streams.has(metastreamOf(streamName));
    return checkExpected(state, meta, hasMetastream, expected, proposed);
  }

  /** Re-creating a soft-deleted stream: the `$$` event that keeps its old revisions hidden behind a moved `$tb`. */
  private reopenOf(streamName: string, now: number): EncodableEvent | null {
    const last = this.streams.get(streamName)?.lastRevision ?? -1;
    const meta = this.metadataOf(streamName, true);
    if (!meta.softDeleted || last < 0) return null;
    return this.systemEvent(metastreamOf(streamName), '$metadata', reopenedMetadata(meta, last + 1), now);
  }

  private encode(streamName: string, proposed: readonly ProposedEvent[], now: number): EncodableEvent[] {
    const last = this.streams.get(streamName)?.lastRevision ?? -1;
    const events: EncodableEvent[] = [];
    if (proposed.length === 0) return events;
    const reopen = this.reopenOf(streamName, now);
    if (reopen) events.push(reopen);
    proposed.forEach((event, i) =>
      events.push({ ...event, streamName, revision: last + 1 + i, tombstone: false, createdMs: now }),
    );
    return events;
  }

  deleteStream(streamName: string, expected: ExpectedRevision): Promise<WriteResult> {
    this.throwIfFailed();
    const state = this.streams.get(streamName);
    if (state?.tombstoned) return Promise.resolve({ kind: 'stream_deleted' });
    const last = state?.lastRevision ?? -1;
    if (last === -1 && !this.streams.has(metastreamOf(streamName))) {
      return Promise.resolve({ kind: 'wrong_expected_version', current: -1 });
    }
    const decision = checkExpected(state, NO_METADATA, true, expected, []);
    if (decision.kind !== 'write') return Promise.resolve(decision);
    return this.commit([
      this.systemEvent(metastreamOf(streamName), '$metadata', SOFT_DELETE_METADATA, Date.now()),
    ]);
  }

  tombstone(streamName: string, expected: ExpectedRevision): Promise<WriteResult> {
    this.throwIfFailed();
    const state = this.streams.get(streamName);
    if (state?.tombstoned) return Promise.resolve({ kind: 'stream_deleted' });
    const decision = checkExpected(state, NO_METADATA, true, expected, []);
    if (decision.kind !== 'write') return Promise.resolve(decision);
    const event: EncodableEvent = {
      ...this.systemEvent(streamName, '$streamDeleted', '', Date.now()),
      tombstone: true,
      isJson: false,
    };
    return this.commit([event]);
  }

  /**
   * Server-written events (system projections) to several streams in one log write, with `any`
   * semantics; events for a tombstoned stream are dropped. Resolves once durable.
   */
  appendSystem(events: readonly (ProposedEvent & { streamName: string })[]): Promise<void> {
    this.throwIfFailed();
    const now = Date.now();
    const next = new Map<string, number>();
    const encodable: EncodableEvent[] = [];
    for (const event of events) {
      const state = this.streams.get(event.streamName);
      if (state?.tombstoned) continue;
      const revision = next.get(event.streamName) ?? state?.events.length ?? 0;
      next.set(event.streamName, revision + 1);
      encodable.push({ ...event, revision, tombstone: false, createdMs: now });
    }
    if (encodable.length === 0) return Promise.resolve();
    return this.commit(encodable).then(() => undefined);
  }

  async close(): Promise<void> {
    await this.log.close();
  }

  private systemEvent(streamName: string, type: string, json: string, now: number): EncodableEvent {
    return {
      streamName,
      revision: this.streams.get(streamName)?.events.length ?? 0,
      tombstone: false,
      id: crypto.randomUUID(),
      type,
      isJson: true,
      createdMs: now,
      data: Buffer.from(json, 'utf8'),
      metadata: new Uint8Array(0),
    };
  }

  private commit(events: EncodableEvent[]): Promise<WriteResult> {
    const { positions, durable } = this.log.append(events);
    let last: StoredEvent | undefined;
    events.forEach((event, i) => {
      last = { ...event, seq: this.all.length, position: positions[i]! };
      this.index(last);
    });
    const lastEvent = last!;
    const result: WriteResult = {
      kind: 'success',
      revision: lastEvent.revision,
      position: lastEvent.position,
    };
    return durable.then(
      () => {
        this.advanceDurable(lastEvent.seq + 1);
        return result;
      },
      (error: unknown) => {
        this.failure ??= error instanceof Error ? error : new Error(String(error));
        throw this.failure;
      },
    );
  }

  private index(event: StoredEvent): void {
    this.all.push(event);
    let state = this.streams.get(event.streamName);
    if (!state) {
      state = new StreamState(event.streamName);
      this.streams.set(event.streamName, state);
    }
    if (event.tombstone) state.tombstoned = true;
    else state.add(event);
  }

  private advanceDurable(count: number): void {
    if (count <= this.durable) return;
    this.durable = count;
    // A failing reader must neither fail the write that woke it nor starve the other readers.
    for (const listener of this.listeners) {
      try {
        listener();
      } catch (error) {
        process.emitWarning(`embedded-eventstore: durable listener failed: ${String(error)}`);
      }
    }
  }

  /** Idempotent replays answer only once the original events they point at are durable. */
  private whenDurable(result: WriteResult): Promise<WriteResult> {
    if (result.kind !== 'success' || result.position === null) return Promise.resolve(result);
    const target = result.position;
    const isDurable = (): boolean => {
      const lastDurable = this.all[this.durable - 1];
      return lastDurable !== undefined && lastDurable.position >= target;
    };
    if (isDurable()) return Promise.resolve(result);
    return new Promise((resolve) => {
      const off = this.onDurable(() => {
        if (!isDurable()) return;
        off();
        resolve(result);
      });
    });
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}
