import { Long } from 'bson';
import type { Socket } from 'node:net';
import type { Doc } from '../bson/values';
import type { ConnectionInfo } from '../wire/connection';
import { MongoServerError } from './errors';

/** One command in flight, as `currentOp` shows it and `killOp` interrupts it. */
export interface InFlightOp {
  opid: number;
  conn: ConnectionInfo;
  db: string;
  name: string;
  command: Doc;
  startedAt: bigint;
  killed: AbortController;
}

const LATENCY_KIND = new Map([
  ['find', 'reads'],
  ['getMore', 'reads'],
  ['aggregate', 'reads'],
  ['count', 'reads'],
  ['distinct', 'reads'],
  ['insert', 'writes'],
  ['update', 'writes'],
  ['delete', 'writes'],
  ['findAndModify', 'writes'],
]);

/** mongod's `op` field for a command (anything else is `command`). */
const OP_TYPE = new Map([
  ['find', 'query'],
  ['insert', 'insert'],
  ['update', 'update'],
  ['getMore', 'getmore'],
  ['delete', 'remove'],
]);

export const interrupted = (): MongoServerError => new MongoServerError(11601, 'operation was interrupted');

/**
 * The commands running now (each connection runs one at a time). `killOp` aborts an operation's signal:
 * anything that waits (`sleep`, blocked fail points, awaiting cursors) listens to it and fails with
 * Interrupted (11601); synchronous work never yields, so it finishes before a kill can arrive.
 */
export class OpRegistry {
  private nextId = 0;
  private readonly active = new Map<number, InFlightOp>();
  private readonly latencies = new Map<string, Record<string, { latency: number; ops: number }>>();

  begin(conn: ConnectionInfo, db: string, name: string, command: Doc): InFlightOp {
    const op: InFlightOp = {
      opid: ++this.nextId,
      conn,
      db,
      name,
      command,
      startedAt: process.hrtime.bigint(),
      killed: new AbortController(),
    };
    this.active.set(op.opid, op);
    return op;
  }

  end(op: InFlightOp): void {
    this.active.delete(op.opid);
    const target = op.command[op.name];
    if (typeof target !== 'string') return;
    const ns = `${op.db}.${target}`;
    const kind = LATENCY_KIND.get(op.name) ?? 'commands';
    const micros = Number((process.hrtime.bigint() - op.startedAt) / 1000n);
    let byKind = this.latencies.get(ns);
    if (!byKind) {
      if (this.latencies.size >= 10_000) this.latencies.delete(this.latencies.keys().next().value as string);
      this.latencies.set(ns, (byKind = {}));
    }
    const l = (byKind[kind] ??= { latency: 0, ops: 0 });
    l.latency += micros;
    l.ops++;
  }

  get size(): number {
    return this.active.size;
  }

  /** `$collStats` latencyStats for a namespace: total microseconds and operation counts by kind. */
  latency(ns: string): Doc {
    const byKind = this.latencies.get(ns) ?? {};
    return Object.fromEntries(
      ['reads', 'writes', 'commands', 'transactions'].map((k) => {
        const l = byKind[k] ?? { latency: 0, ops: 0 };
        return [k, { latency: Long.fromNumber(l.latency), ops: Long.fromNumber(l.ops) }];
      }),
    );
  }

  /** The operation a connection is running (its commands never overlap). */
  ofConnection(connId: number): InFlightOp | undefined {
    for (const op of this.active.values()) if (op.conn.id === connId) return op;
    return undefined;
  }

  kill(opid: number): boolean {
    const op = this.active.get(opid);
    if (!op) return false;
    op.killed.abort(interrupted());
    return true;
  }

  /** `currentOp` documents, as mongod 7.0 reports each operation. */
  describe(host: string): Doc[] {
    const now = process.hrtime.bigint();
    return [...this.active.values()].map((op) => {
      const micros = Number((now - op.startedAt) / 1000n);
      const ns =
        typeof op.command[op.name] === 'string'
          ? `${op.db}.${op.command[op.name] as string}`
          : `${op.db}.$cmd`;
      const lsid = op.command.lsid as Doc | undefined;
      return {
        type: 'op',
        host,
        desc: `conn${op.conn.id}`,
        connectionId: op.conn.id,
        client: op.conn.remoteAddress ?? '',
        ...(op.conn.appName ? { appName: op.conn.appName } : {}),
        active: true,
        currentOpTime: new Date().toISOString(),
        threaded: true,
        opid: op.opid,
        ...(lsid ? { lsid } : {}),
        secs_running: Math.floor(micros / 1e6),
        microsecs_running: micros,
        op: OP_TYPE.get(op.name) ?? 'command',
        ns,
        command: op.command,
        numYields: 0,
        locks: {},
        waitingForLock: false,
        lockStats: {},
        waitingForFlowControl: false,
        killPending: op.killed.signal.aborted,
      };
    });
  }
}

/** Resolves after `ms`, or rejects with Interrupted when `signal` aborts first. */
export const interruptibleWait = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** The `opcounters` field a command counts under (anything else is `command`). */
const OPCOUNTER = new Map([
  ['find', 'query'],
  ['getMore', 'getmore'],
  ['insert', 'insert'],
  ['update', 'update'],
  ['delete', 'delete'],
]);
/** The field holding a write command's statements: it counts once per statement. */
const STATEMENTS = new Map([
  ['insert', 'documents'],
  ['update', 'updates'],
  ['delete', 'deletes'],
]);

/** Connection, request, network and operation counters for `serverStatus`. */
export class ServerStats {
  readonly opcounters: Record<string, number> = {
    insert: 0,
    query: 0,
    update: 0,
    delete: 0,
    getmore: 0,
    command: 0,
  };
  private readonly sockets = new Set<Socket>();
  private closedIn = 0;
  private closedOut = 0;
  totalCreated = 0;
  numRequests = 0;

  opened(socket: Socket): void {
    this.sockets.add(socket);
    this.totalCreated++;
    socket.once('close', () => {
      this.sockets.delete(socket);
      this.closedIn += socket.bytesRead;
      this.closedOut += socket.bytesWritten;
    });
  }

  /** Counts a command as mongod does: inserts per document, updates and deletes per statement. */
  count(name: string, cmd: Doc): void {
    this.numRequests++;
    const kind = OPCOUNTER.get(name) ?? 'command';
    const field = STATEMENTS.get(name);
    const items = field === undefined ? undefined : cmd[field];
    const n = field === undefined ? 1 : Array.isArray(items) ? items.length : 0;
    this.opcounters[kind] = (this.opcounters[kind] ?? 0) + n;
  }

  get current(): number {
    return this.sockets.size;
  }

  network(): { bytesIn: number; bytesOut: number } {
    let bytesIn = this.closedIn;
    let bytesOut = this.closedOut;
    for (const s of this.sockets) {
      bytesIn += s.bytesRead;
      bytesOut += s.bytesWritten;
    }
    return { bytesIn, bytesOut };
  }
}
