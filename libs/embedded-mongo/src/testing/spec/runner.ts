import { type MongoClient, MongoOperationTimeoutError, MongoServerError } from 'mongodb';
import { type CommandEvent, EntityMap } from './entities';
import { Matcher, matchExact, MatchError, numeric } from './match';
import { docArg, resultOfError, runEntityOperation } from './operations';
import { runSpecialOperation } from './special';

type Doc = Record<string, any>;

export interface SpecFile {
  description: string;
  schemaVersion: string;
  runOnRequirements?: Doc[];
  createEntities?: Doc[];
  initialData?: Doc[];
  tests: SpecTest[];
}

export interface SpecTest {
  description: string;
  runOnRequirements?: Doc[];
  skipReason?: string;
  operations: Doc[];
  expectEvents?: Doc[];
  outcome?: Doc[];
}

/** `driverDeviations`: what the test would have flagged only because of a known deviation of mongodb 7.9. */
export type TestOutcome =
  { status: 'passed'; driverDeviations: string[] } | { status: 'failed' | 'skipped'; reason: string };

/**
 * mongodb 7.9 sends `writeConcern: {...wc, wtimeout: 10000}` on the FIRST commitTransaction and on every
 * abortTransaction of a transaction with a write concern (`src/sessions.ts:463` and `:594`: applied whenever the
 * session's `timeoutContext` is null, which 7.9 never sets). The transactions spec adds `wtimeout: 10000` only to
 * a retried commit, and the tests expect the write concern as given. It is the client's doing alone (no server
 * reply is involved), so the events check accepts exactly that field on those two commands, when the test does
 * not name a `wtimeout` itself, and records it; everything else in the event (and the test) is still checked.
 */
export const driverWtimeout = (expected: unknown, got: Doc, notes: string[], i: number): Doc => {
  const name = got.commandName as string;
  if (name !== 'commitTransaction' && name !== 'abortTransaction') return got;
  const cmd = got.command as Doc | undefined;
  const wc = cmd?.writeConcern as Doc | undefined;
  const want = (expected as Doc | undefined)?.writeConcern as Doc | undefined;
  if (!wc || numeric(wc.wtimeout) !== 10000) return got;
  if (
    !want ||
    typeof want !== 'object' ||
    Object.keys(want).some((k) => k === 'wtimeout' || k.startsWith('$$'))
  )
    return got;
  const { wtimeout: _dropped, ...rest } = wc;
  notes.push(`event[${i}] ${name}: mongodb 7.9 added wtimeout 10000 (sessions.ts:463/594)`);
  return { ...got, command: { ...cmd, writeConcern: rest } };
};

/** Highest schema version whose structure this runner understands (the data uses up to 1.21). */
const SUPPORTED_SCHEMA = [1, 21];

const versionParts = (v: string): number[] => v.split('.').map((x) => Number(x));
const compareVersions = (a: string, b: string): number => {
  const x = versionParts(a);
  const y = versionParts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
};

/** What the server under test says about itself: the basis of every runOnRequirements decision. */
export class ServerFacts {
  private readonly params = new Map<string, unknown>();

  private constructor(
    readonly internal: MongoClient,
    readonly version: string,
    readonly topology: string,
  ) {}

  static async discover(internal: MongoClient): Promise<ServerFacts> {
    const admin = internal.db('admin');
    const build = await admin.command({ buildInfo: 1 });
    const hello = await admin.command({ hello: 1 });
    const topology = hello.msg === 'isdbgrid' ? 'sharded' : hello.setName ? 'replicaset' : 'single';
    return new ServerFacts(internal, String(build.version), topology);
  }

  async unmet(reqs: Doc[] | undefined): Promise<string | null> {
    if (!reqs || reqs.length === 0) return null;
    const reasons: string[] = [];
    for (const r of reqs) {
      const why = await this.unmetOne(r);
      if (!why) return null;
      reasons.push(why);
    }
    return reasons.join('; or ');
  }

  private async unmetOne(r: Doc): Promise<string | null> {
    if (r.minServerVersion && compareVersions(this.version, r.minServerVersion) < 0)
      return `needs server >= ${r.minServerVersion} (this one claims ${this.version})`;
    if (r.maxServerVersion && compareVersions(this.version, r.maxServerVersion) > 0)
      return `needs server <= ${r.maxServerVersion} (this one claims ${this.version})`;
    if (r.topologies && !(r.topologies as string[]).includes(this.topology))
      return `needs topology ${(r.topologies as string[]).join('|')} (this one is ${this.topology})`;
    if (r.serverless === 'require') return 'needs Atlas Serverless';
    if (r.auth === true) return 'needs authentication enabled';
    if (r.authMechanism) return `needs auth mechanism ${r.authMechanism}`;
    if (r.csfle) return 'needs client-side field level encryption';
    for (const [name, want] of Object.entries((r.serverParameters ?? {}) as Doc)) {
      if (!this.params.has(name)) {
        const got = await this.internal
          .db('admin')
          .command({ getParameter: 1, [name]: 1 })
          .then((x) => x[name] as unknown)
          .catch(() => undefined);
        this.params.set(name, got);
      }
      const got = this.params.get(name);
      const same = numeric(want) !== undefined ? numeric(want) === numeric(got) : want === got;
      if (!same) return `needs server parameter ${name}=${String(want)}`;
    }
    return null;
  }
}

const MAJORITY = { writeConcern: { w: 'majority' as const } };

const setUpData = async (internal: MongoClient, data: Doc[] | undefined): Promise<void> => {
  for (const c of data ?? []) {
    const db = internal.db(c.databaseName);
    await db.dropCollection(c.collectionName, MAJORITY).catch(() => undefined);
    if (c.createOptions)
      await db.createCollection(c.collectionName, { ...docArg(c.createOptions), ...MAJORITY });
    const docs = docArg(c.documents ?? []) as Doc[];
    if (docs.length) await db.collection(c.collectionName).insertMany(docs, MAJORITY);
    else if (!c.createOptions) await db.createCollection(c.collectionName, MAJORITY);
  }
};

const checkError = (m: Matcher, spec: Doc, e: unknown): void => {
  const err = e as Doc;
  const server = e instanceof MongoServerError;
  const fail = (msg: string): never => {
    throw new MatchError(`${msg}; error was ${String((e as Error)?.message ?? e)}`);
  };
  if (spec.isClientError === true && server) fail('expected a client error');
  if (spec.isClientError === false && !server) fail('expected a server error');
  if (spec.isTimeoutError !== undefined && e instanceof MongoOperationTimeoutError !== spec.isTimeoutError)
    fail(`expected isTimeoutError ${spec.isTimeoutError}`);
  if (spec.errorContains !== undefined) {
    const text = [err.message, ...((err.writeErrors as Doc[] | undefined) ?? []).map((w) => w.errmsg)]
      .join('\n')
      .toLowerCase();
    if (!text.includes(String(spec.errorContains).toLowerCase()))
      fail(`expected message ~ ${spec.errorContains}`);
  }
  if (spec.errorCode !== undefined && numeric(err.code) !== numeric(spec.errorCode))
    fail(`expected code ${numeric(spec.errorCode)}, got ${err.code}`);
  if (
    spec.errorCodeName !== undefined &&
    String(err.codeName).toLowerCase() !== spec.errorCodeName.toLowerCase()
  )
    fail(`expected codeName ${spec.errorCodeName}, got ${err.codeName}`);
  const hasLabel = (l: string): boolean =>
    typeof err.hasErrorLabel === 'function' ? Boolean(err.hasErrorLabel(l)) : false;
  for (const l of (spec.errorLabelsContain ?? []) as string[]) if (!hasLabel(l)) fail(`expected label ${l}`);
  for (const l of (spec.errorLabelsOmit ?? []) as string[]) if (hasLabel(l)) fail(`unexpected label ${l}`);
  if (spec.errorResponse !== undefined) m.match(spec.errorResponse, err.errorResponse ?? err);
  if (spec.expectResult !== undefined) m.match(spec.expectResult, resultOfError(e));
  if (spec.writeErrors !== undefined || spec.writeConcernErrors !== undefined)
    fail('runner does not support writeErrors/writeConcernErrors (clientBulkWrite) assertions');
};

const eventDoc = (ev: CommandEvent): Doc => {
  const e = ev.event as Doc;
  const d: Doc = { commandName: e.commandName, databaseName: e.databaseName };
  if (ev.type === 'commandStartedEvent') d.command = e.command;
  if (ev.type === 'commandSucceededEvent') d.reply = e.reply;
  return d;
};

const checkEvents = (m: Matcher, entities: EntityMap, expected: Doc[], notes: string[]): void => {
  for (const spec of expected) {
    if ((spec.eventType ?? 'command') !== 'command')
      throw new Error(`runner does not support ${spec.eventType} events`);
    const actual = entities.client(spec.client).events;
    const want = spec.events as Doc[];
    if (actual.length < want.length || (!spec.ignoreExtraEvents && actual.length !== want.length))
      throw new MatchError(
        `client ${spec.client}: expected ${want.length} events, got ${actual.length}: ${actual
          .map((a) => `${a.type}(${a.event.commandName})`)
          .join(', ')}`,
      );
    want.forEach((w, i) => {
      const [type, body] = Object.entries(w)[0] as [string, Doc];
      const a = actual[i] as CommandEvent;
      if (a.type !== type)
        throw new MatchError(`event ${i}: expected ${type}, got ${a.type}(${a.event.commandName})`);
      const got = driverWtimeout(body.command, eventDoc(a), notes, i);
      for (const [k, v] of Object.entries(body)) {
        if (k === 'hasServiceId' || k === 'hasServerConnectionId') continue;
        m.match(v, got[k], true, `event[${i}].${k}`);
      }
    });
  }
};

const checkOutcome = async (internal: MongoClient, outcome: Doc[]): Promise<void> => {
  for (const c of outcome) {
    const docs = await internal
      .db(c.databaseName)
      .collection(c.collectionName)
      .find({}, { sort: { _id: 1 }, readConcern: { level: 'local' }, readPreference: 'primary' })
      .toArray();
    matchExact(c.documents, docs, `${c.databaseName}.${c.collectionName}`);
  }
};

/** Operations whose result is a list of root-level documents (each may have extra fields). */
const ITERABLE = new Set([
  'find',
  'aggregate',
  'listIndexes',
  'listCollections',
  'listSearchIndexes',
  'listDatabases',
]);

export interface RunContext {
  uri: string;
  facts: ServerFacts;
}

export const runTest = async (ctx: RunContext, file: SpecFile, test: SpecTest): Promise<TestOutcome> => {
  const [maj, min] = versionParts(file.schemaVersion);
  if (maj !== SUPPORTED_SCHEMA[0] || (min ?? 0) > (SUPPORTED_SCHEMA[1] as number))
    return { status: 'failed', reason: `unsupported schemaVersion ${file.schemaVersion}` };
  const unmet =
    (await ctx.facts.unmet(file.runOnRequirements)) ?? (await ctx.facts.unmet(test.runOnRequirements));
  if (unmet) return { status: 'skipped', reason: unmet };
  if (test.skipReason) return { status: 'skipped', reason: `skipReason: ${test.skipReason}` };
  const internal = ctx.facts.internal;
  const entities = new EntityMap(ctx.uri);
  const failPoints: string[] = [];
  const m = new Matcher({ entity: (n) => entities.value(n), sessionLsid: (n) => entities.sessionLsid(n) });
  const notes: string[] = [];
  let outcome: TestOutcome = { status: 'passed', driverDeviations: notes };
  try {
    await setUpData(internal, file.initialData);
    entities.create(file.createEntities ?? []);
    for (const [i, op] of test.operations.entries()) {
      try {
        await runOperation(ctx, entities, m, op, failPoints);
      } catch (e) {
        (e as Error).message = `operation ${i} (${op.name}): ${(e as Error).message}`;
        throw e;
      }
    }
    if (test.expectEvents) checkEvents(m, entities, test.expectEvents, notes);
    if (test.outcome) await checkOutcome(internal, test.outcome);
  } catch (e) {
    outcome = { status: 'failed', reason: (e as Error).message ?? String(e) };
  } finally {
    for (const name of failPoints)
      await internal
        .db('admin')
        .command({ configureFailPoint: name, mode: 'off' })
        .catch(() => undefined);
    await entities.close();
    await internal
      .db('admin')
      .command({ killAllSessions: [] })
      .catch(() => undefined);
  }
  return outcome;
};

const runOperation = async (
  ctx: RunContext,
  entities: EntityMap,
  m: Matcher,
  op: Doc,
  failPoints: string[],
): Promise<void> => {
  if (op.object === 'testRunner') return runSpecialOperation(ctx, entities, op, failPoints);
  let result: unknown;
  let error: unknown;
  let failed = false;
  try {
    result = await runEntityOperation(entities, op as never);
  } catch (e) {
    failed = true;
    error = e;
  }
  if (op.ignoreResultAndError) return;
  if (op.expectError) {
    if (!failed) throw new MatchError(`expected an error, got result ${JSON.stringify(result)}`);
    checkError(m, op.expectError, error);
    return;
  }
  if (failed) throw error;
  if (op.expectResult !== undefined) {
    if (ITERABLE.has(op.name)) m.matchRoots(op.expectResult, result);
    else m.match(op.expectResult, result);
  }
  if (op.saveResultAsEntity) entities.set(op.saveResultAsEntity, { kind: 'value', value: result });
};
