import { Long } from 'bson';
import { readFileSync } from 'node:fs';
import type { Doc } from '../bson/values';
import { SERVER_VERSION } from '../engine/context';
import { MongoServerError } from '../engine/errors';
import { compileQuery } from '../engine/matcher';
import { interruptibleWait } from '../engine/ops';
import { replSetConfig } from '../engine/replset-config';
import { asNumber, type Env, type Handler } from './env';
import { collStatsDoc } from './coll-stats';

const adminOnly = (env: Env, name: string): void => {
  if (env.db !== 'admin')
    throw new MongoServerError(13, `${name} may only be run against the admin database.`);
};

/** Resident and virtual memory in MB (virtual from /proc where the platform has it). */
const memory = (): Doc => {
  const residentBytes = process.memoryUsage().rss;
  let virtualBytes = residentBytes;
  try {
    const m = /VmSize:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) virtualBytes = Number(m[1]) * 1024;
  } catch {
    // not Linux: report the resident size for both
  }
  return {
    bits: 64,
    resident: Math.round(residentBytes / 2 ** 20),
    virtual: Math.round(virtualBytes / 2 ** 20),
    supported: true,
  };
};

/** `currentOp`: the operations in flight; fields other than `$all`/`$ownOps` filter them like a query. */
const currentOp: Handler = (cmd, env) => {
  adminOnly(env, 'currentOp');
  const filter = Object.fromEntries(
    Object.entries(cmd).filter(
      ([k]) =>
        ![
          'currentOp',
          '$all',
          '$ownOps',
          '$db',
          'lsid',
          '$clusterTime',
          '$readPreference',
          'comment',
        ].includes(k),
    ),
  );
  const match = compileQuery(filter);
  return { inprog: currentOpDocs(env).filter((d) => match(d)), ok: 1 };
};

export const currentOpDocs = (env: Env): Doc[] => env.engine.ops.describe(env.conn.localAddress);

/** `killOp`: interrupts an operation in flight (it fails with Interrupted, 11601). */
const killOp: Handler = (cmd, env) => {
  adminOnly(env, 'killOp');
  const op = cmd.op;
  if (op === undefined) throw new MongoServerError(4, 'Did not provide "op" field');
  const id = asNumber(op, NaN);
  if (!Number.isInteger(id)) throw new MongoServerError(2, `invalid op : ${JSON.stringify(op)}`);
  env.engine.ops.kill(id);
  return { info: 'attempting to kill op', ok: 1 };
};

/** `profile`: level 0 (no profiling) with its `slowms`/`sampleRate`; levels 1 and 2 are refused. */
const profile: Handler = (cmd, env) => {
  const level = asNumber(cmd.profile, NaN);
  const current = env.engine.profiling.get(env.db) ?? { slowms: 100, sampleRate: 1 };
  const reply = { was: 0, slowms: current.slowms, sampleRate: current.sampleRate, ok: 1 };
  if (level === -1) return reply;
  if (level === 1 || level === 2)
    throw new MongoServerError(
      115,
      `profiling level ${level} is not supported by the embedded server (no system.profile); only level 0`,
    );
  if (level !== 0) throw new MongoServerError(2, 'Invalid profiling level');
  if (cmd.filter !== undefined && cmd.filter !== 'unset')
    throw new MongoServerError(115, 'a profile filter is not supported by the embedded server');
  const sampleRate = cmd.sampleRate === undefined ? current.sampleRate : asNumber(cmd.sampleRate, NaN);
  if (!(sampleRate >= 0 && sampleRate <= 1))
    throw new MongoServerError(2, "'sampleRate' must be between 0.0 and 1.0 inclusive");
  const slowms = cmd.slowms === undefined ? current.slowms : asNumber(cmd.slowms, current.slowms);
  env.engine.profiling.set(env.db, { slowms, sampleRate });
  return reply;
};

const replSetGetConfig: Handler = (_cmd, env) => {
  adminOnly(env, 'replSetGetConfig');
  const { replSetName } = env.engine.options;
  return {
    config: replSetConfig(replSetName, env.conn.localAddress, env.engine.electionId.padStart(24, '0')),
    ok: 1,
  };
};

const serverStatus: Handler = (_cmd, env) => {
  const { stats } = env.engine;
  const network = stats.network();
  const me = env.conn.localAddress;
  const uptimeMillis = Date.now() - env.engine.startedAt;
  return {
    host: me,
    version: SERVER_VERSION,
    process: 'mongod',
    pid: Long.fromNumber(process.pid),
    uptime: Math.floor(uptimeMillis / 1000),
    uptimeMillis: Long.fromNumber(uptimeMillis),
    uptimeEstimate: Long.fromNumber(Math.floor(uptimeMillis / 1000)),
    localTime: new Date(),
    asserts: { regular: 0, warning: 0, msg: 0, user: 0, rollovers: 0 },
    connections: {
      current: stats.current,
      available: Math.max(0, 838860 - stats.current),
      totalCreated: stats.totalCreated,
      rejected: 0,
      active: env.engine.ops.size,
      threaded: stats.current,
    },
    network: {
      bytesIn: Long.fromNumber(network.bytesIn),
      bytesOut: Long.fromNumber(network.bytesOut),
      physicalBytesIn: Long.fromNumber(network.bytesIn),
      physicalBytesOut: Long.fromNumber(network.bytesOut),
      numSlowDNSOperations: Long.fromNumber(0),
      numSlowSSLOperations: Long.fromNumber(0),
      numRequests: Long.fromNumber(stats.numRequests),
    },
    opcounters: Object.fromEntries(Object.entries(stats.opcounters).map(([k, v]) => [k, Long.fromNumber(v)])),
    opcountersRepl: { insert: 0, query: 0, update: 0, delete: 0, getmore: 0, command: 0 },
    mem: memory(),
    repl: {
      setName: env.engine.options.replSetName,
      setVersion: 1,
      isWritablePrimary: true,
      secondary: false,
      primary: me,
      me,
      hosts: [me],
    },
    storageEngine: { name: 'embedded', supportsCommittedReads: true },
    ok: 1,
  };
};

/** `sleep` (a test command, as in mongod): waits `millis` (or `secs`) unless killed first. */
const sleep: Handler = async (cmd, env) => {
  const ms =
    cmd.millis !== undefined
      ? asNumber(cmd.millis)
      : cmd.secs !== undefined
        ? asNumber(cmd.secs) * 1000
        : 10_000;
  await interruptibleWait(ms, env.engine.ops.ofConnection(env.conn.id)?.killed.signal);
  return { ok: 1 };
};

const collStats: Handler = (cmd, env) => {
  const scale = cmd.scale === undefined ? 1 : asNumber(cmd.scale, 1);
  return { ...collStatsDoc(env, `${env.db}.${String(cmd.collStats)}`, scale), ok: 1 };
};

export const operatorCommands: Record<string, Handler> = {
  currentOp,
  killOp,
  profile,
  replSetGetConfig,
  serverStatus,
  collStats,
};
export const operatorTestCommands: Record<string, Handler> = { sleep };
