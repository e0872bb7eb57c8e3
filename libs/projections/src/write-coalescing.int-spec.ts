import { startEmbeddedMongo, type EmbeddedMongo } from '@shop/embedded-mongo';
import { type AnyBulkWriteOperation, type Db, type Document, MongoClient } from 'mongodb';
import { coalesceWrites, constrainedFields } from './write-coalescing';

type Row = { _id: string } & Document;
type Op = AnyBulkWriteOperation<Row>;

/** A small deterministic generator, so a failing sequence can be reproduced from its seed. */
const random = (seed: number) => () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};

describe('coalesceWrites against a database: same documents and same errors as one by one', () => {
  let server: EmbeddedMongo;
  let client: MongoClient;
  let db: Db;
  const indexes = [{ key: { sku: 1 }, unique: true }];
  const constrained = constrainedFields(indexes);

  beforeAll(async () => {
    server = await startEmbeddedMongo({ inMemory: true, port: 0 });
    client = await new MongoClient(server.uri).connect();
    db = client.db('coalescing');
  });
  afterAll(async () => {
    await client.close();
    await server.stop();
  });

  const generate = (next: () => number): { initial: Row[]; ops: Op[] } => {
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const value = (field: string): unknown =>
      field === 'sku' ? pick(['X', 'Y']) : next() < 0.15 ? 'text' : Math.floor(next() * 7) - 3;
    const fields = ['n', 'm', 's', 'sku', 'sku'];
    const update = (): Document => {
      const u: Record<string, Record<string, unknown>> = {};
      for (let i = 0, n = 1 + Math.floor(next() * 3); i < n; i++) {
        const op = pick(['$set', '$inc', '$inc', '$setOnInsert']);
        const field = pick(fields);
        const arg = op === '$inc' ? (next() < 0.1 ? 0.5 : Math.floor(next() * 5) - 2) : value(field);
        (u[op] ??= {})[field] = arg;
      }
      return u;
    };
    const ops: Op[] = [];
    for (let i = 0, n = 2 + Math.floor(next() * 10); i < n; i++) {
      const roll = next();
      const _id = pick(['a', 'b', 'c']);
      if (roll < 0.05) ops.push({ updateMany: { filter: { n: { $gt: 0 } }, update: { $inc: { m: 1 } } } });
      else if (roll < 0.1) ops.push({ deleteOne: { filter: { _id } } });
      else ops.push({ updateOne: { filter: { _id }, update: update(), upsert: next() < 0.9 } });
    }
    const initial = ['a', 'b', 'c']
      .filter(() => next() < 0.4)
      .map((_id, i) => ({ _id, n: value('n'), sku: i === 0 ? 'X' : `initial-${_id}` }));
    return { initial, ops };
  };

  const apply = async (name: string, initial: Row[], ops: Op[]) => {
    const collection = db.collection<Row>(name);
    await collection.drop().catch(() => undefined);
    await collection.createIndex({ sku: 1 }, { unique: true });
    if (initial.length > 0) await collection.insertMany(initial.map((d) => ({ ...d })));
    const ok = await collection.bulkWrite(ops, { ordered: true }).then(
      () => true,
      () => false,
    );
    return { ok, docs: await collection.find({}).sort({ _id: 1 }).toArray() };
  };

  const byId = (_id: string, update: Document, upsert = true): Op => ({
    updateOne: { filter: { _id }, update, upsert },
  });

  it.each<[string, Row[], Op[]]>([
    [
      'a unique key freed by a later update must not let an earlier write of another document through',
      [{ _id: 'a', sku: 'X' }],
      [byId('a', { $inc: { n: 1 } }), byId('b', { $set: { sku: 'X' } }), byId('a', { $set: { sku: 'Y' } })],
    ],
    [
      'a later $setOnInsert does not apply to the document an earlier upsert created',
      [],
      [byId('a', { $inc: { n: 1 } }), byId('a', { $inc: { n: 1 }, $setOnInsert: { created: true } })],
    ],
    [
      'an update without upsert of a missing document does nothing',
      [],
      [byId('a', { $inc: { n: 1 } }, false), byId('a', { $setOnInsert: { n: 5 } })],
    ],
    [
      '$inc of a string fails either way',
      [{ _id: 'a', n: 'text' }],
      [byId('a', { $set: { m: 1 } }), byId('a', { $inc: { n: 1 } })],
    ],
  ])('holds when %s', async (_, initial, ops) => {
    const one = await apply('one_by_one', initial, ops);
    const merged = await apply('coalesced', initial, coalesceWrites(ops, constrained));
    // A failed batch is rolled back (it is one transaction): only whether it failed matters.
    expect(merged.ok).toBe(one.ok);
    if (one.ok) expect(merged.docs).toEqual(one.docs);
  });

  it('holds for 600 generated sequences', async () => {
    let folded = 0;
    for (let seed = 1; seed <= 600; seed++) {
      const { initial, ops } = generate(random(seed));
      const coalesced = coalesceWrites(ops, constrained);
      folded += ops.length - coalesced.length;
      const one = await apply('one_by_one', initial, ops);
      const merged = await apply('coalesced', initial, coalesced);
      expect({ seed, ok: merged.ok }).toEqual({ seed, ok: one.ok });
      if (one.ok) expect({ seed, docs: merged.docs }).toEqual({ seed, docs: one.docs });
    }
    expect(folded).toBeGreaterThan(200); // the property is not vacuous
  });
});
