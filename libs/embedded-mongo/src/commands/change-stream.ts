import { calculateObjectSize, Long, Timestamp } from 'bson';
import { type Doc, isPlainDoc } from '../bson/values';
import {
  type BeforeChangeMode,
  decodeToken,
  eventsFor,
  type FullDocumentMode,
  highWaterMark,
  positionToken,
  isInvalidate,
  type StreamOptions,
  type StreamScope,
} from '../engine/change-events';
import { type ChangeLog, compareKeys, keyOf, type LogKey } from '../engine/change-log';
import { MongoServerError } from '../engine/errors';
import { runPipeline } from '../engine/pipeline';
import { isTimeseries } from '../engine/timeseries';
import { asDoc, asNumber, type Env } from './env';

const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 16 * 1024;
/** mongod's await time for a tailable-await getMore without maxTimeMS. */
const DEFAULT_AWAIT_MS = 1000;
const OPTIONS = new Set([
  'allChangesForCluster',
  'fullDocument',
  'fullDocumentBeforeChange',
  'resumeAfter',
  'startAfter',
  'startAtOperationTime',
  'showExpandedEvents',
  'allowToRunOnConfigDB',
  'allowToRunOnSystemNS',
]);
const FULL_DOCUMENT = new Set(['default', 'updateLookup', 'whenAvailable', 'required']);
const BEFORE_CHANGE = new Set(['off', 'whenAvailable', 'required']);
/** The stages a change stream's own pipeline may use (mongod 7.0). */
const ALLOWED_STAGES = new Set([
  '$match',
  '$project',
  '$addFields',
  '$set',
  '$unset',
  '$replaceRoot',
  '$replaceWith',
  '$redact',
]);

interface StreamCursor {
  id: Long;
  ns: string;
  scope: StreamScope;
  opts: StreamOptions;
  pipeline: Doc[];
  /** Next log position to read. */
  pos: number;
  /** Events at or before this key were already delivered (or precede the stream's start). */
  after: LogKey;
  lastUsed: number;
  busy: boolean;
}

export const historyLost = (): MongoServerError =>
  new MongoServerError(
    286,
    'Resume of change stream was not possible, as the resume point may no longer be in the oplog.',
  ).withLabel('NonResumableChangeStreamError');

const fatal = (msg: string): MongoServerError =>
  new MongoServerError(280, msg).withLabel('NonResumableChangeStreamError');

const enumOption = <T extends string>(v: unknown, field: string, allowed: Set<string>, dflt: T): T => {
  if (v === undefined) return dflt;
  if (typeof v !== 'string')
    throw new MongoServerError(
      14,
      `BSON field '$changeStream.${field}' is the wrong type '${typeof v}', expected type 'string'`,
    );
  if (!allowed.has(v))
    throw new MongoServerError(
      2,
      `Enumeration value '${v}' for field '$changeStream.${field}' is not a valid value.`,
    );
  return v as T;
};

/** Open change-stream cursors (tailable, awaitData): they read the change log from their own position. */
export class ChangeStreams {
  private readonly open = new Map<string, StreamCursor>();

  constructor(
    private readonly log: ChangeLog,
    private readonly timeoutMs: number,
  ) {}

  private inUse(): void {
    this.log.streamsOpen = this.open.size;
    this.log.keepFull();
  }

  has(id: Long): boolean {
    return this.open.has(id.toString());
  }

  kill(id: Long): boolean {
    const killed = this.open.delete(id.toString());
    this.log.streamsOpen = this.open.size;
    return killed;
  }

  expire(): void {
    const now = Date.now();
    for (const [k, c] of this.open) if (!c.busy && now - c.lastUsed > this.timeoutMs) this.open.delete(k);
    this.log.streamsOpen = this.open.size;
  }

  /** `aggregate` whose first stage is `$changeStream`. */
  openCursor(cmd: Doc, env: Env, pipeline: Doc[], nextId: () => Long): Doc {
    if (env.ctx.txn)
      throw new MongoServerError(263, 'Operation not permitted in transaction :: caused by :: $changeStream');
    const spec = pipeline[0]?.$changeStream;
    if (!isPlainDoc(spec))
      throw new MongoServerError(50808, '$changeStream stage expects a document as argument');
    for (const k of Object.keys(spec))
      if (!OPTIONS.has(k))
        throw new MongoServerError(40415, `BSON field '$changeStream.${k}' is an unknown field.`);
    const rest = pipeline.slice(1);
    for (const stage of rest) {
      const name = Object.keys(stage)[0] ?? '';
      if (name === '$changeStream')
        throw new MongoServerError(40602, '$changeStream is only valid as the first stage in a pipeline');
      if (!ALLOWED_STAGES.has(name))
        throw new MongoServerError(20, `${name} is not permitted in a $changeStream pipeline`);
    }
    const scope = this.scopeOf(cmd, env, spec);
    const opts: StreamOptions = {
      fullDocument: enumOption<FullDocumentMode>(spec.fullDocument, 'fullDocument', FULL_DOCUMENT, 'default'),
      fullDocumentBeforeChange: enumOption<BeforeChangeMode>(
        spec.fullDocumentBeforeChange,
        'fullDocumentBeforeChange',
        BEFORE_CHANGE,
        'off',
      ),
      expanded: spec.showExpandedEvents === true,
    };
    const { key: after, event } = this.startKey(spec);
    if (event) this.checkTokenFound(after, scope, env);
    const ns = scope.kind === 'coll' ? scope.ns : `${env.db}.$cmd.aggregate`;
    const cur: StreamCursor = {
      id: nextId(),
      ns,
      scope,
      opts,
      pipeline: rest,
      pos: this.log.positionAfter(after),
      after,
      lastUsed: Date.now(),
      busy: false,
    };
    const batchSize = asDoc(cmd.cursor).batchSize;
    const limit = batchSize === undefined ? Infinity : asNumber(batchSize);
    const { batch, done, token } = this.collect(cur, limit === 0 ? 0 : limit, env);
    if (!done) this.open.set(cur.id.toString(), cur);
    this.inUse();
    return {
      cursor: { firstBatch: batch, postBatchResumeToken: token, id: done ? Long.ZERO : cur.id, ns },
      ok: 1,
    };
  }

  /** getMore: returns what is there, else waits up to `maxTimeMS` (1 s) for new changes. */
  async more(cmd: Doc, env: Env, id: Long, ns: string): Promise<Doc> {
    const key = id.toString();
    const cur = this.open.get(key) as StreamCursor;
    if (cur.ns !== ns)
      throw new MongoServerError(
        13,
        `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cur.ns}`,
      );
    if (cur.busy) throw new MongoServerError(43, `cursor id ${key} is already in use`);
    const limit = cmd.batchSize === undefined ? Infinity : asNumber(cmd.batchSize) || Infinity;
    const awaitMs = cmd.maxTimeMS === undefined ? DEFAULT_AWAIT_MS : asNumber(cmd.maxTimeMS);
    const until = Date.now() + awaitMs;
    const signal = env.engine.ops.ofConnection(env.conn.id)?.killed.signal;
    cur.busy = true;
    try {
      for (;;) {
        const r = this.collect(cur, limit, env);
        const left = until - Date.now();
        if (r.batch.length > 0 || r.done || left <= 0 || !this.open.has(key)) {
          if (r.done) this.open.delete(key);
          return {
            cursor: {
              nextBatch: r.batch,
              postBatchResumeToken: r.token,
              id: r.done ? Long.ZERO : cur.id,
              ns,
            },
            ok: 1,
          };
        }
        await this.log.waitForMore(left, signal);
        if (signal?.aborted) throw signal.reason as Error;
      }
    } catch (e) {
      this.open.delete(key);
      throw e;
    } finally {
      cur.busy = false;
      cur.lastUsed = Date.now();
      this.inUse();
    }
  }

  private scopeOf(cmd: Doc, env: Env, spec: Doc): StreamScope {
    const cluster = spec.allChangesForCluster === true;
    if (typeof cmd.aggregate === 'string') {
      if (cluster || env.db === 'admin' || env.db === 'config' || env.db === 'local')
        if (cluster || !(env.db === 'config' && spec.allowToRunOnConfigDB === true))
          throw new MongoServerError(
            73,
            cluster
              ? "A $changeStream with 'allChangesForCluster:true' may only be opened on the 'admin' database, and with no collection name"
              : `$changeStream may not be opened on the internal ${env.db} database`,
          );
      const ns = `${env.db}.${cmd.aggregate}`;
      if (cmd.aggregate.startsWith('system.') && spec.allowToRunOnSystemNS !== true)
        throw new MongoServerError(73, `$changeStream may not be opened on the internal ${ns} collection`);
      const coll = env.ctx.coll(ns);
      // a time-series collection is a view on its buckets in mongod, and refused the same way
      if (coll?.options.viewOn !== undefined || isTimeseries(coll))
        throw new MongoServerError(166, `Namespace ${ns} is a view, not a collection`);
      return { kind: 'coll', ns };
    }
    if (Number(cmd.aggregate) !== 1)
      throw new MongoServerError(14, "'aggregate' must be a collection name or 1");
    if (env.db === 'admin') {
      if (!cluster)
        throw new MongoServerError(
          73,
          '$changeStream may not be opened on the internal admin database; use {allChangesForCluster: true} to watch the whole deployment',
        );
      return { kind: 'cluster' };
    }
    if (cluster)
      throw new MongoServerError(
        73,
        "A $changeStream with 'allChangesForCluster:true' may only be opened on the 'admin' database, and with no collection name",
      );
    if (env.db === 'config' || env.db === 'local')
      throw new MongoServerError(73, `$changeStream may not be opened on the internal ${env.db} database`);
    return { kind: 'db', db: env.db };
  }

  /** Where the stream starts: after a resume token, at an operation time, or now. */
  private startKey(spec: Doc): { key: LogKey; event: boolean } {
    const given = ['resumeAfter', 'startAfter', 'startAtOperationTime'].filter((k) => spec[k] !== undefined);
    if (given.length > 1)
      throw new MongoServerError(
        40674,
        'Only one type of resume option is allowed, but multiple were found.',
      );
    let key: LogKey;
    let event = false;
    if (spec.startAtOperationTime !== undefined) {
      const ts = spec.startAtOperationTime;
      if (!(ts instanceof Timestamp))
        throw new MongoServerError(
          14,
          "BSON field '$changeStream.startAtOperationTime' is the wrong type, expected type 'timestamp'",
        );
      key = { t: ts.high, i: ts.low, idx: -1 };
    } else if (given.length === 1) {
      const token = decodeToken(spec[given[0] as string]);
      if (token.invalidate && given[0] === 'resumeAfter')
        throw fatal(
          "Attempting to resume a change stream using 'resumeAfter' is not allowed from an invalidate notification.",
        );
      key = token.key;
      event = token.event;
    } else {
      const now = this.log.lastTs ?? new Timestamp({ t: this.log.floor.t, i: this.log.floor.i });
      return { key: { t: now.high, i: now.low, idx: Number.MAX_SAFE_INTEGER }, event: false };
    }
    if (!this.log.retainsAfter(key)) throw historyLost();
    return { key, event };
  }

  /** An event's token must name an event this stream would have reported, as mongod checks on resume. */
  private checkTokenFound(key: LogKey, scope: StreamScope, env: Env): void {
    if (compareKeys(key, this.log.floor) <= 0) return; // the entry itself is gone; what follows is kept
    const entry = this.log.at(this.log.positionAfter(key) - 1);
    const found =
      entry !== undefined &&
      compareKeys(keyOf(entry), key) === 0 &&
      eventsFor(
        entry,
        key,
        scope,
        { fullDocument: 'default', fullDocumentBeforeChange: 'off' },
        env.ctx.catalog,
      ).length > 0;
    if (!found) throw fatal('cannot resume stream; the resume token was not found.');
  }

  /** Reads events from the cursor's position up to `limit`, stopping after an invalidate. */
  private collect(cur: StreamCursor, limit: number, env: Env): { batch: Doc[]; done: boolean; token: Doc } {
    const batch: Doc[] = [];
    let bytes = 0;
    let done = false;
    if (cur.pos < this.log.start) throw historyLost();
    const end = this.log.visibleEnd;
    while (batch.length < limit && cur.pos < end && !done) {
      const entry = this.log.at(cur.pos) as ChangeEntryLike;
      const key = keyOf(entry);
      const raw = eventsFor(entry, key, cur.scope, cur.opts, env.ctx.catalog);
      const events = raw.length && cur.pipeline.length ? this.transform(raw, cur.pipeline, env) : raw;
      const size = events.reduce((n, ev) => n + calculateObjectSize(ev), 0);
      if (batch.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
      bytes += size;
      cur.pos++;
      cur.after = key;
      for (const ev of events) batch.push(ev);
      if (raw.some(isInvalidate)) done = true;
    }
    const last = batch[batch.length - 1];
    const caughtUp = cur.pos >= this.log.end;
    const token =
      done && last
        ? (last._id as Doc)
        : caughtUp
          ? highWaterMark(env.engine.clusterTime())
          : positionToken(cur.after);
    return { batch, done, token };
  }

  private transform(events: Doc[], pipeline: Doc[], env: Env): Doc[] {
    const tokens = new Set(events.map((ev) => (ev._id as Doc)._data));
    const out = runPipeline(pipeline, events, () => []);
    for (const ev of out)
      if (!isPlainDoc(ev._id) || !tokens.has(ev._id._data) || Object.keys(ev._id).length !== 1)
        throw fatal(
          'Encountered an event whose _id field, which contains the resume token, was modified by the ' +
            'pipeline. Modifying the _id field of an event makes it impossible to resume the stream from ' +
            'that point. Only transformations that retain the unmodified _id field are allowed.',
        );
    void env;
    return out;
  }
}

type ChangeEntryLike = Parameters<typeof keyOf>[0];
