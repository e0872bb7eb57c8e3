import {
  type ClientSession,
  type Collection,
  type CommandFailedEvent,
  type CommandStartedEvent,
  type CommandSucceededEvent,
  type Db,
  MongoClient,
  ReadPreference,
} from 'mongodb';
import { numeric } from './match';

type Doc = Record<string, any>;

export type CommandEvent =
  | { type: 'commandStartedEvent'; event: CommandStartedEvent }
  | { type: 'commandSucceededEvent'; event: CommandSucceededEvent }
  | { type: 'commandFailedEvent'; event: CommandFailedEvent };

export interface ClientEntity {
  kind: 'client';
  client: MongoClient;
  events: CommandEvent[];
}

export type Entity =
  | ClientEntity
  | { kind: 'database'; db: Db; client: ClientEntity }
  | { kind: 'collection'; coll: Collection; client: ClientEntity }
  | { kind: 'session'; session: ClientSession; lsid: unknown; client: ClientEntity }
  | { kind: 'value'; value: unknown };

/** Commands whose events the format says a runner must not report (credentials, fail point setup). */
const SENSITIVE = new Set([
  'authenticate',
  'saslstart',
  'saslcontinue',
  'getnonce',
  'createuser',
  'updateuser',
  'copydbgetnonce',
  'copydbsaslstart',
  'copydb',
]);

/**
 * The command as it was when the driver sent it. The driver hands the event its live command object, and
 * mongodb 7.9 later mutates objects that object shares: applySession (src/sessions.ts:1197/1202) puts the
 * client's own ReadConcern into a transaction's first command and then Object.assigns afterClusterTime
 * into it, so the next transaction rewrites what an earlier event shows. Plain documents, arrays, Maps and
 * option classes (ReadConcern, WriteConcern) are copied; BSON values and buffers are immutable and kept.
 */
const snapshot = (v: unknown): unknown => {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(snapshot);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, snapshot(x)]));
  if ('_bsontype' in v || v instanceof Date || v instanceof RegExp || ArrayBuffer.isView(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, snapshot(x)]));
};

const toNodeReadPreference = (rp: Doc | undefined): ReadPreference | undefined =>
  rp ? new ReadPreference(rp.mode, rp.tagSets, { maxStalenessSeconds: rp.maxStalenessSeconds }) : undefined;

/** databaseOptions / collectionOptions / transaction options in the format, as driver options. */
export const driverOptions = (o: Doc | undefined): Doc => {
  if (!o) return {};
  const out: Doc = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'readPreference') out.readPreference = toNodeReadPreference(v);
    else if (k === 'timeoutMS' || k === 'maxCommitTimeMS') out[k] = numeric(v);
    else if (k === 'writeConcern') out.writeConcern = plainNumbers(v);
    else out[k] = v;
  }
  return out;
};

/** Int32/Double wrappers from canonical extended JSON become JS numbers where the driver wants options. */
export const plainNumbers = (v: any): any => {
  const n = numeric(v);
  if (n !== undefined && typeof v === 'object' && v._bsontype !== 'Long') return n;
  if (Array.isArray(v)) return v.map(plainNumbers);
  if (v && typeof v === 'object' && v.constructor === Object)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainNumbers(x)]));
  return v;
};

export class EntityMap {
  private readonly map = new Map<string, Entity>();

  constructor(private readonly uri: string) {}

  set(id: string, e: Entity): void {
    if (this.map.has(id)) throw new Error(`entity '${id}' already exists`);
    this.map.set(id, e);
  }

  get(id: string): Entity {
    const e = this.map.get(id);
    if (!e) throw new Error(`no entity named '${id}'`);
    return e;
  }

  has(id: string): boolean {
    return this.map.has(id);
  }

  client(id: string): ClientEntity {
    const e = this.get(id);
    if (e.kind !== 'client') throw new Error(`entity '${id}' is a ${e.kind}, not a client`);
    return e;
  }

  session(id: string): ClientSession {
    const e = this.get(id);
    if (e.kind !== 'session') throw new Error(`entity '${id}' is a ${e.kind}, not a session`);
    return e.session;
  }

  sessionLsid(id: string): unknown {
    const e = this.get(id);
    if (e.kind !== 'session') throw new Error(`entity '${id}' is a ${e.kind}, not a session`);
    return e.lsid;
  }

  value(id: string): unknown {
    const e = this.get(id);
    return e.kind === 'value' ? e.value : e;
  }

  create(list: Doc[]): void {
    for (const item of list) {
      const [kind, spec] = Object.entries(item)[0] as [string, Doc];
      switch (kind) {
        case 'client':
          this.set(spec.id, this.createClient(spec));
          break;
        case 'database': {
          const client = this.client(spec.client);
          const db = client.client.db(spec.databaseName, driverOptions(spec.databaseOptions));
          this.set(spec.id, { kind: 'database', db, client });
          break;
        }
        case 'collection': {
          const d = this.get(spec.database);
          if (d.kind !== 'database') throw new Error(`entity '${spec.database}' is not a database`);
          const coll = d.db.collection(spec.collectionName, driverOptions(spec.collectionOptions));
          this.set(spec.id, { kind: 'collection', coll, client: d.client });
          break;
        }
        case 'session': {
          const client = this.client(spec.client);
          const o = spec.sessionOptions ?? {};
          const session = client.client.startSession({
            ...o,
            ...(o.defaultTransactionOptions
              ? { defaultTransactionOptions: driverOptions(o.defaultTransactionOptions) }
              : {}),
          });
          this.set(spec.id, { kind: 'session', session, lsid: session.id, client });
          break;
        }
        default:
          throw new UnsupportedError(`entity type ${kind}`);
      }
    }
  }

  private createClient(spec: Doc): ClientEntity {
    const url = new URL(this.uri);
    for (const [k, v] of Object.entries(spec.uriOptions ?? {})) {
      if (k === 'appname') url.searchParams.set('appName', String(v));
      else url.searchParams.set(k, String(numeric(v) ?? v));
    }
    const observe = new Set<string>(spec.observeEvents ?? []);
    const ignore = new Set<string>(spec.ignoreCommandMonitoringEvents ?? []);
    const sensitive = spec.observeSensitiveCommands === true;
    // Heartbeats every 50 ms: after an injected network error the client finds the server again quickly.
    const fast = spec.uriOptions?.heartbeatFrequencyMS === undefined;
    const client = new MongoClient(url.toString(), {
      monitorCommands: true,
      serverSelectionTimeoutMS: 5000,
      ...(fast ? { heartbeatFrequencyMS: 50, minHeartbeatFrequencyMS: 50 } : {}),
      ...(spec.serverApi ? { serverApi: spec.serverApi } : {}),
    });
    const entity: ClientEntity = { kind: 'client', client, events: [] };
    const keep = (name: string, command?: Doc): boolean => {
      if (ignore.has(name) || name === 'configureFailPoint') return false;
      if (!sensitive && SENSITIVE.has(name.toLowerCase())) return false;
      if (!sensitive && (name === 'hello' || name.toLowerCase() === 'ismaster'))
        return !(command && 'speculativeAuthenticate' in command) && command !== undefined;
      return true;
    };
    const started = new Set<number>();
    client.on('commandStarted', (event) => {
      if (!keep(event.commandName, event.command)) return;
      started.add(event.requestId);
      if (observe.has('commandStartedEvent')) {
        Object.defineProperty(event, 'command', { value: snapshot(event.command), enumerable: true });
        entity.events.push({ type: 'commandStartedEvent', event });
      }
    });
    client.on('commandSucceeded', (event) => {
      if (!started.delete(event.requestId)) return;
      if (observe.has('commandSucceededEvent')) entity.events.push({ type: 'commandSucceededEvent', event });
    });
    client.on('commandFailed', (event) => {
      if (!started.delete(event.requestId)) return;
      if (observe.has('commandFailedEvent')) entity.events.push({ type: 'commandFailedEvent', event });
    });
    // Not connected here: like the driver's own runner, the first operation connects (with its read preference).
    return entity;
  }

  async close(): Promise<void> {
    for (const e of this.map.values()) if (e.kind === 'session') await e.session.endSession().catch(() => {});
    for (const e of this.map.values()) if (e.kind === 'client') await e.client.close(true).catch(() => {});
    this.map.clear();
  }
}

/** Raised for a feature of the format this runner does not implement: reported, never silently passed. */
export class UnsupportedError extends Error {
  constructor(what: string) {
    super(`runner does not support ${what}`);
  }
}
