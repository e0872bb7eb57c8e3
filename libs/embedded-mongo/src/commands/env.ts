import { Binary, Long, Timestamp } from 'bson';
import type { Doc } from '../bson/values';
import type { Ctx } from '../engine/context';
import { ChangeLog, DEFAULT_CHANGE_HISTORY } from '../engine/change-log';
import { CursorRegistry } from '../engine/cursors';
import { MongoServerError } from '../engine/errors';
import { FailPoints } from '../engine/failpoints';
import { OpRegistry, ServerStats } from '../engine/ops';
import { TransactionManager } from '../engine/transactions';
import { expireTtl } from '../engine/ttl';
import type { Storage } from '../storage/storage';
import type { ConnectionInfo } from '../wire/connection';
import { ChangeStreams } from './change-stream';

export interface EngineOptions {
  replSetName: string;
  cursorTimeoutMs: number;
  transactionTimeoutMs: number;
  enableTestCommands: boolean;
  /** How many changes the change log keeps (change-stream resume, snapshot reads at an earlier time). */
  changeHistorySize?: number;
}

/** Authentication and authorization in front of the handlers (secure mode); without one every command runs. */
export interface CommandGuard {
  /** The handler for `name`: the guard's own (authentication, users), `base` wrapped, or `base`. */
  handler(name: string, base: Handler | undefined): Handler | undefined;
  /** Throws Unauthorized (13) when this connection may not run the command. */
  authorize(name: string, cmd: Doc, db: string, conn: ConnectionInfo): void;
}

/** SHA-256 of the empty user name: the uid mongod gives sessions of unauthenticated clients. */
export const SESSION_UID = new Binary(
  Buffer.from('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hex'),
  0,
);

/** Server-wide state shared by every connection. */
export class Engine {
  guard: CommandGuard | null = null;
  readonly txns: TransactionManager;
  readonly cursors: CursorRegistry;
  /** Every applied change with its cluster time (bounded): change streams and snapshot reads. */
  readonly changes: ChangeLog;
  readonly streams: ChangeStreams;
  readonly failPoints = new FailPoints();
  /** Commands in flight (`currentOp`/`killOp`) and the counters `serverStatus` reports. */
  readonly ops = new OpRegistry();
  readonly stats = new ServerStats();
  /** Per-database profiler settings (`profile`); only level 0 exists here. */
  readonly profiling = new Map<string, { slowms: number; sampleRate: number }>();
  /** Last retryable write per session: a retried txnNumber gets the original reply instead of a second write. */
  readonly retries = new Map<string, { txnNumber: bigint; reply: Doc }>();
  readonly electionId = '7fffffff0000000000000001';
  /** When this server started (serverStatus `uptime`). */
  readonly startedAt = Date.now();
  private ts = { t: 0, i: 0 };

  constructor(
    readonly storage: Storage,
    readonly options: EngineOptions,
  ) {
    this.cursors = new CursorRegistry(options.cursorTimeoutMs);
    this.changes = new ChangeLog(
      () => this.clusterTime(),
      options.changeHistorySize ?? DEFAULT_CHANGE_HISTORY,
    );
    storage.changes = this.changes;
    this.changes.trackDurability = storage.durable;
    this.streams = new ChangeStreams(this.changes, options.cursorTimeoutMs);
    this.txns = new TransactionManager(storage.catalog);
  }

  /** A cluster time that only moves forward, as replica-set members report. */
  clusterTime(): Timestamp {
    const secs = Math.floor(Date.now() / 1000);
    this.ts = secs > this.ts.t ? { t: secs, i: 1 } : { t: this.ts.t, i: this.ts.i + 1 };
    return new Timestamp(this.ts);
  }

  /** Sessions seen recently (what `$listLocalSessions` reports), newest last, bounded. */
  private readonly sessions = new Map<string, Doc>();

  touchSession(lsid: string, id: unknown): void {
    this.sessions.delete(lsid);
    this.sessions.set(lsid, { _id: { id, uid: SESSION_UID }, lastUse: new Date() });
    if (this.sessions.size > 10_000) this.sessions.delete(this.sessions.keys().next().value as string);
  }

  forgetSession(lsid: string): void {
    this.sessions.delete(lsid);
  }

  localSessions(): Doc[] {
    return [...this.sessions.values()];
  }

  sweep(): void {
    this.cursors.expire();
    this.streams.expire();
    this.txns.expire(this.options.transactionTimeoutMs);
  }

  expireTtl(): Promise<void> {
    return expireTtl(this.storage, this.txns);
  }
}

export interface Env {
  engine: Engine;
  db: string;
  ctx: Ctx;
  conn: ConnectionInfo;
  lsid: string | null;
}

export type Handler = (cmd: Doc, env: Env) => Doc | Promise<Doc>;

export const nsOf = (env: Env, coll: unknown): string => {
  if (typeof coll !== 'string' || coll.length === 0)
    throw new MongoServerError(73, `collection name has invalid type ${typeof coll}`);
  return `${env.db}.${coll}`;
};

export const asNumber = (v: unknown, fallback = 0): number => {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'number') return v;
  if (v instanceof Long) return v.toNumber();
  const n = Number((v as { valueOf(): unknown }).valueOf());
  return Number.isFinite(n) ? n : fallback;
};

export const asDoc = (v: unknown): Doc => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Doc) : {});
