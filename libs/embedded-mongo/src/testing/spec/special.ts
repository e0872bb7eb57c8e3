import { EJSON } from 'bson';
import type { ClientSession, MongoClient } from 'mongodb';
import { type EntityMap, UnsupportedError } from './entities';
import { MatchError } from './match';
import { docArg } from './operations';
import type { RunContext } from './runner';

type Doc = Record<string, any>;

/** The driver's transaction states, in the format's vocabulary. */
const TXN_STATES: Record<string, string> = {
  NO_TRANSACTION: 'none',
  STARTING_TRANSACTION: 'starting',
  TRANSACTION_IN_PROGRESS: 'in_progress',
  TRANSACTION_COMMITTED: 'committed',
  TRANSACTION_COMMITTED_EMPTY: 'committed',
  TRANSACTION_ABORTED: 'aborted',
};

const collectionNames = async (ctx: RunContext, db: string): Promise<string[]> =>
  (await ctx.facts.internal.db(db).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);

const indexNames = async (ctx: RunContext, db: string, coll: string): Promise<string[]> =>
  (
    await ctx.facts.internal
      .db(db)
      .collection(coll)
      .listIndexes()
      .toArray()
      .catch(() => [])
  ).map((i) => String(i.name));

const lastTwoLsids = (entities: EntityMap, client: string): [string, string] => {
  const started = entities
    .client(client)
    .events.filter((e) => e.type === 'commandStartedEvent')
    .map((e) => EJSON.stringify(e.event.command.lsid as never));
  if (started.length < 2) throw new MatchError('fewer than two commandStartedEvents recorded');
  return [started[started.length - 2] as string, started[started.length - 1] as string];
};

const sessionState = (s: ClientSession): string =>
  TXN_STATES[(s as unknown as { transaction: { state: string } }).transaction.state] ?? 'unknown';

/** `testRunner` operations: fail points and assertions about sessions, collections and indexes. */
export const runSpecialOperation = async (
  ctx: RunContext,
  entities: EntityMap,
  op: Doc,
  failPoints: string[],
): Promise<void> => {
  const a = (op.arguments ?? {}) as Doc;
  switch (op.name) {
    case 'failPoint':
    case 'targetedFailPoint': {
      // One server: a targeted fail point (the mongos a session is pinned to) is the same server.
      const client =
        op.name === 'failPoint'
          ? entities.client(a.client).client
          : (entities.get(a.session) as { client: { client: MongoClient } }).client.client;
      const fp = docArg(a.failPoint) as Doc;
      failPoints.push(String(fp.configureFailPoint));
      await client.db('admin').command(fp);
      return;
    }
    case 'assertSessionTransactionState': {
      const got = sessionState(entities.session(a.session));
      if (got !== a.state) throw new MatchError(`session ${a.session}: state ${got}, expected ${a.state}`);
      return;
    }
    case 'assertSessionPinned':
      if (!entities.session(a.session).isPinned) throw new MatchError(`session ${a.session} is not pinned`);
      return;
    case 'assertSessionUnpinned':
      if (entities.session(a.session).isPinned) throw new MatchError(`session ${a.session} is pinned`);
      return;
    case 'assertSessionDirty':
    case 'assertSessionNotDirty': {
      const dirty = Boolean(
        (entities.session(a.session) as unknown as { serverSession?: { isDirty?: boolean } }).serverSession
          ?.isDirty,
      );
      if (dirty !== (op.name === 'assertSessionDirty'))
        throw new MatchError(`session ${a.session} dirty=${dirty}`);
      return;
    }
    case 'assertCollectionExists':
    case 'assertCollectionNotExists': {
      const exists = (await collectionNames(ctx, a.databaseName)).includes(a.collectionName);
      if (exists !== (op.name === 'assertCollectionExists'))
        throw new MatchError(`collection ${a.databaseName}.${a.collectionName} exists=${exists}`);
      return;
    }
    case 'assertIndexExists':
    case 'assertIndexNotExists': {
      const exists = (await indexNames(ctx, a.databaseName, a.collectionName)).includes(a.indexName);
      if (exists !== (op.name === 'assertIndexExists'))
        throw new MatchError(
          `index ${a.indexName} on ${a.databaseName}.${a.collectionName} exists=${exists}`,
        );
      return;
    }
    case 'assertSameLsidOnLastTwoCommands':
    case 'assertDifferentLsidOnLastTwoCommands': {
      const [x, y] = lastTwoLsids(entities, a.client);
      if ((x === y) !== (op.name === 'assertSameLsidOnLastTwoCommands'))
        throw new MatchError(`lsids of the last two commands: ${x} vs ${y}`);
      return;
    }
    case 'createEntities':
      entities.create(a.entities);
      return;
    default:
      throw new UnsupportedError(`testRunner operation ${op.name}`);
  }
};
