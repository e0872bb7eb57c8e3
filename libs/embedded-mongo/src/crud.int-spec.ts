import { type Collection, type Document, MongoBulkWriteError, type MongoServerError } from 'mongodb';
import { type Harness, startHarness } from './testing/harness';

describe('embedded-mongo CRUD through the driver', () => {
  let h: Harness;
  let seq = 0;
  const coll = <T extends Document = Document>(): Collection<T> =>
    h.client.db('crud').collection<T>(`c${++seq}`);

  beforeAll(async () => (h = await startHarness()));
  afterAll(() => h.close());

  it('inserts, finds, updates, replaces and deletes', async () => {
    const c = coll();
    await c.insertMany([
      { _id: 1, a: 1 },
      { _id: 2, a: 2 },
      { _id: 3, a: 3 },
    ] as never[]);
    expect(await c.findOne({ _id: 2 } as never)).toEqual({ _id: 2, a: 2 });
    expect(
      await c
        .find({ a: { $gte: 2 } })
        .sort({ a: -1 })
        .toArray(),
    ).toEqual([
      { _id: 3, a: 3 },
      { _id: 2, a: 2 },
    ]);
    expect(
      await c
        .find({}, { projection: { _id: 0 } })
        .skip(1)
        .limit(1)
        .toArray(),
    ).toEqual([{ a: 2 }]);
    const u = await c.updateMany({ a: { $lt: 3 } }, { $set: { b: true } });
    expect([u.matchedCount, u.modifiedCount]).toEqual([2, 2]);
    const same = await c.updateOne({ _id: 1 } as never, { $set: { b: true } });
    expect([same.matchedCount, same.modifiedCount]).toEqual([1, 0]);
    await c.replaceOne({ _id: 3 } as never, { z: 'replaced' });
    expect(await c.findOne({ _id: 3 } as never)).toEqual({ _id: 3, z: 'replaced' });
    expect((await c.deleteMany({ b: true })).deletedCount).toBe(2);
    expect(await c.countDocuments()).toBe(1);
    expect(await c.estimatedDocumentCount()).toBe(1);
  });

  it('upserts with every update operator the projections use', async () => {
    const c = coll();
    const r = await c.updateOne(
      { _id: 'p1' } as never,
      {
        $set: { name: 'x', 'nested.deep': 1 },
        $inc: { qty: 5 },
        $push: { log: { $each: ['a', 'b'] } },
        $setOnInsert: { createdAt: new Date(0) },
        $addToSet: { tags: 't1' },
        $max: { hi: 3 },
        $min: { lo: 3 },
      } as never,
      { upsert: true },
    );
    expect(r.upsertedId).toBe('p1');
    await c.updateOne(
      { _id: 'p1' } as never,
      {
        $set: { name: 'y' },
        $inc: { qty: -2 },
        $push: { log: 'c' },
        $setOnInsert: { createdAt: new Date(1) },
        $addToSet: { tags: 't1' },
        $max: { hi: 1 },
        $min: { lo: 1 },
        $unset: { 'nested.deep': '' },
      } as never,
      { upsert: true },
    );
    expect(await c.findOne({ _id: 'p1' } as never)).toEqual({
      _id: 'p1',
      name: 'y',
      nested: {},
      qty: 3,
      log: ['a', 'b', 'c'],
      createdAt: new Date(0),
      tags: ['t1'],
      hi: 3,
      lo: 1,
    });
    await c.updateOne(
      { _id: 'p1' } as never,
      { $pull: { log: 'b' }, $pop: { tags: 1 }, $rename: { name: 'title' }, $mul: { qty: 2 } } as never,
    );
    expect(await c.findOne({ _id: 'p1' } as never)).toMatchObject({
      title: 'y',
      log: ['a', 'c'],
      tags: [],
      qty: 6,
    });
    await c.updateOne({ key: 'k', n: { $gt: 1 } }, { $set: { v: 1 } }, { upsert: true });
    expect(await c.findOne({ key: 'k' })).toMatchObject({ key: 'k', v: 1 });
  });

  it('supports arrayFilters, positional and pipeline updates', async () => {
    const c = coll();
    await c.insertOne({
      _id: 1,
      items: [
        { sku: 'a', n: 1 },
        { sku: 'b', n: 2 },
      ],
    } as never);
    await c.updateOne(
      { _id: 1 } as never,
      { $inc: { 'items.$[i].n': 10 } },
      { arrayFilters: [{ 'i.sku': 'b' }] },
    );
    await c.updateOne({ _id: 1, 'items.sku': 'a' } as never, { $set: { 'items.$.n': 7 } });
    await c.updateOne({ _id: 1 } as never, [{ $set: { total: { $sum: '$items.n' } } }]);
    expect(await c.findOne({ _id: 1 } as never)).toEqual({
      _id: 1,
      items: [
        { sku: 'a', n: 7 },
        { sku: 'b', n: 12 },
      ],
      total: 19,
    });
  });

  it('rejects changing _id and conflicting operators', async () => {
    const c = coll();
    await c.insertOne({ _id: 1, a: 1 } as never);
    await expect(c.updateOne({ _id: 1 } as never, { $set: { _id: 2 } })).rejects.toMatchObject({ code: 66 });
    await expect(c.updateOne({ _id: 1 } as never, { $set: { a: 1 }, $inc: { a: 1 } })).rejects.toMatchObject({
      code: 40,
    });
  });

  it('bulkWrite ordered stops at the first error, unordered continues', async () => {
    const c = coll();
    await c.insertOne({ _id: 1 } as never);
    const ops = [
      { insertOne: { document: { _id: 2 } } },
      { insertOne: { document: { _id: 1 } } },
      { updateOne: { filter: { _id: 3 }, update: { $set: { a: 1 } }, upsert: true } },
    ] as never[];
    const ordered = await c.bulkWrite(ops).catch((e: unknown) => e);
    expect(ordered).toBeInstanceOf(MongoBulkWriteError);
    const oe = ordered as MongoBulkWriteError;
    expect(oe.writeErrors).toHaveLength(1);
    expect(oe.result.insertedCount).toBe(1);
    expect(await c.countDocuments({ _id: 3 } as never)).toBe(0);
    await c.deleteMany({ _id: { $in: [2] } } as never);
    const unordered = (await c
      .bulkWrite(ops, { ordered: false })
      .catch((e: unknown) => e)) as MongoBulkWriteError;
    expect(unordered.writeErrors).toHaveLength(1);
    expect(unordered.result.getWriteErrorAt(0)?.index).toBe(1);
    expect(await c.countDocuments({ _id: { $in: [2, 3] } } as never)).toBe(2);
  });

  it('iterates cursors over many batches and kills them', async () => {
    const c = coll();
    await c.insertMany(Array.from({ length: 1050 }, (_, i) => ({ _id: i, v: i % 7 })) as never[]);
    const all = await c.find({}, { batchSize: 100 }).sort({ _id: 1 }).toArray();
    expect(all.map((d) => d._id)).toEqual(Array.from({ length: 1050 }, (_, i) => i));
    const cursor = c.find({}, { batchSize: 10 });
    await cursor.next();
    await cursor.close();
    expect(cursor.killed).toBe(true);
    const page = await c
      .find({ _id: { $gt: 1000 } } as never)
      .sort({ _id: 1 })
      .limit(5)
      .toArray();
    expect(page.map((d) => d._id)).toEqual([1001, 1002, 1003, 1004, 1005]);
  });

  it('answers getMore on a killed cursor with CursorNotFound', async () => {
    const c = coll();
    await c.insertMany(Array.from({ length: 20 }, (_, i) => ({ _id: i })) as never[]);
    const db = h.client.db('crud');
    const first = await db.command({ find: c.collectionName, batchSize: 2 });
    const id = first.cursor.id;
    await db.command({ killCursors: c.collectionName, cursors: [id] });
    await expect(db.command({ getMore: id, collection: c.collectionName })).rejects.toMatchObject({
      code: 43,
    });
  });

  it('runs findOneAndUpdate leases with E11000 when the lease is held', async () => {
    const c = coll();
    const now = new Date(1000);
    const take = (owner: string, at: Date) =>
      c.findOneAndUpdate(
        { _id: 'lease', expiresAt: { $lt: at } } as never,
        { $set: { owner, expiresAt: new Date(at.getTime() + 500) } },
        { upsert: true, returnDocument: 'after' },
      );
    expect(await take('a', now)).toMatchObject({ owner: 'a' });
    await expect(take('b', now)).rejects.toMatchObject({ code: 11000 });
    expect(await take('b', new Date(2000))).toMatchObject({ owner: 'b' });
    expect(await c.findOneAndDelete({ _id: 'lease' } as never)).toMatchObject({ owner: 'b' });
  });

  it('aggregates with $match/$group/$sort/$limit, distinct and count', async () => {
    const c = coll();
    await c.insertMany([
      { k: 'a', n: 1 },
      { k: 'b', n: 2 },
      { k: 'a', n: 3 },
      { k: 'c', n: 4 },
    ]);
    const out = await c
      .aggregate([
        { $match: { n: { $gte: 1 } } },
        { $group: { _id: '$k', total: { $sum: '$n' } } },
        { $sort: { total: -1 } },
        { $limit: 2 },
      ])
      .toArray();
    expect(out.map((d) => d.total as number)).toEqual([4, 4]);
    expect((await c.distinct('k')).sort()).toEqual(['a', 'b', 'c']);
    expect(await c.countDocuments({ k: 'a' })).toBe(2);
    expect(await c.countDocuments({}, { skip: 1, limit: 2 })).toBe(2);
  });

  it('answers unknown commands with CommandNotFound', async () => {
    const err = (await h.client
      .db('crud')
      .command({ frobnicate: 1 })
      .catch((e: unknown) => e)) as MongoServerError;
    expect(err.code).toBe(59);
    expect(err.codeName).toBe('CommandNotFound');
  });
  it('covers findAndModify variants, replacement upserts and distinct over arrays', async () => {
    const c = coll();
    await c.insertMany([
      { _id: 1, q: 3, tags: ['a', 'b'] },
      { _id: 2, q: 1, tags: ['b', 'c'] },
      { _id: 3, q: 2 },
    ] as never[]);
    expect(
      await c.findOneAndUpdate(
        {},
        { $inc: { q: 10 } },
        { sort: { q: 1 }, returnDocument: 'before', projection: { q: 1 } },
      ),
    ).toEqual({ _id: 2, q: 1 });
    expect(await c.findOneAndDelete({ q: { $lt: 10 } }, { sort: { q: -1 } })).toMatchObject({ _id: 1 });
    expect(
      await c.findOneAndReplace({ _id: 9 } as never, { r: true }, { upsert: true, returnDocument: 'after' }),
    ).toEqual({ _id: 9, r: true });
    expect(await c.findOneAndUpdate({ _id: 42 } as never, { $set: { x: 1 } })).toBeNull();
    const rep = await c.replaceOne({ _id: 7 } as never, { only: 'this' }, { upsert: true });
    expect(rep.upsertedId).toBe(7);
    expect(await c.findOne({ _id: 7 } as never)).toEqual({ _id: 7, only: 'this' });
    expect((await c.distinct('tags')).sort()).toEqual(['b', 'c']);
    expect(await c.countDocuments({ tags: 'b' })).toBe(1);
    expect(
      await h.client.db('crud').command({ count: c.collectionName, query: { q: { $gte: 2 } } }),
    ).toMatchObject({ n: 2 });
    const names = await h.client.db('crud').listCollections({ name: c.collectionName }).toArray();
    expect(names.map((n) => n.name)).toEqual([c.collectionName]);
  });
});
