import { type Collection, type Document, MongoBulkWriteError } from 'mongodb';
import { type Harness, startHarness } from './testing/harness';

describe('embedded-mongo indexes', () => {
  let h: Harness;
  let seq = 0;
  const coll = (): Collection<Document> => h.client.db('idx').collection(`c${++seq}`);

  beforeAll(async () => (h = await startHarness()));
  afterAll(() => h.close());

  it('reports unique violations as E11000 with keyPattern and keyValue', async () => {
    const c = coll();
    await c.createIndex({ email: 1 }, { unique: true, name: 'email_u' });
    await c.insertOne({ email: 'a@x' });
    const err = await c.insertOne({ email: 'a@x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 11000, keyPattern: { email: 1 }, keyValue: { email: 'a@x' } });
    expect(String((err as Error).message)).toContain('E11000 duplicate key error collection: idx.');
    expect(String((err as Error).message)).toContain('index: email_u');
  });

  it('enforces uniqueness inside one batch and on updates', async () => {
    const c = coll();
    await c.createIndex({ a: 1, b: 1 }, { unique: true });
    const err = (await c
      .insertMany(
        [
          { a: 1, b: 1 },
          { a: 1, b: 2 },
          { a: 1, b: 1 },
        ],
        { ordered: false },
      )
      .catch((e: unknown) => e)) as MongoBulkWriteError;
    expect(err).toBeInstanceOf(MongoBulkWriteError);
    expect(err.writeErrors).toBeDefined();
    expect(err.result.getWriteErrorAt(0)).toMatchObject({ index: 2, code: 11000 });
    expect(await c.countDocuments()).toBe(2);
    await expect(c.updateOne({ b: 2 }, { $set: { b: 1 } })).rejects.toMatchObject({
      code: 11000,
      keyValue: { a: 1, b: 1 },
    });
    await expect(c.createIndex({ a: 1 }, { unique: true })).rejects.toMatchObject({ code: 11000 });
  });

  it('honours sparse and partial unique indexes', async () => {
    const c = coll();
    await c.createIndex({ code: 1 }, { unique: true, sparse: true });
    await c.createIndex({ email: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await c.insertMany([{ a: 1 }, { a: 2 }]); // both lack `code`: sparse allows it
    await c.insertMany([
      { email: 'e', active: false },
      { email: 'e', active: false },
      { email: 'e', active: true },
    ]);
    await expect(c.insertOne({ email: 'e', active: true })).rejects.toMatchObject({ code: 11000 });
    await expect(c.insertMany([{ code: 'x' }, { code: 'x' }])).rejects.toMatchObject({ code: 11000 });
  });

  it('rejects documents that grow beyond 16 MiB', async () => {
    const c = coll();
    await c.insertOne({ _id: 1, big: 'x'.repeat(9 * 1024 * 1024) } as never);
    await expect(
      c.updateOne({ _id: 1 } as never, { $set: { big2: 'y'.repeat(9 * 1024 * 1024) } }),
    ).rejects.toMatchObject({
      code: 10334,
    });
    expect(await c.countDocuments({ big2: { $exists: true } })).toBe(0);
  });

  it('lists and drops indexes, keeps createIndex idempotent', async () => {
    const c = coll();
    await c.createIndexes([
      { key: { x: 1 }, name: 'x_1' },
      { key: { y: -1, z: 1 }, unique: true },
    ]);
    await c.createIndex({ x: 1 });
    const names = (await c.listIndexes().toArray()).map((i) => i.name as string);
    expect(names).toEqual(['_id_', 'x_1', 'y_-1_z_1']);
    await c.dropIndex('x_1');
    expect((await c.indexes()).map((i) => i.name)).toEqual(['_id_', 'y_-1_z_1']);
    await expect(c.dropIndex('_id_')).rejects.toMatchObject({ code: 72 });
  });

  describe('on 5,000 documents', () => {
    let c: Collection<Document>;
    beforeAll(async () => {
      c = coll();
      await c.createIndex({ k: 1 });
      await c.createIndex({ g: 1, t: -1 });
      await c.insertMany(
        Array.from({ length: 5000 }, (_, i) => ({
          _id: i,
          k: `k${String(i).padStart(5, '0')}`,
          g: i % 10,
          t: i,
        })) as never[],
      );
    });

    it('uses the index for equality without scanning the collection', async () => {
      const plan = await c.find({ k: 'k00042' }).explain('executionStats');
      expect(plan.queryPlanner.winningPlan.inputStage).toMatchObject({ stage: 'IXSCAN', indexName: 'k_1' });
      expect(plan.executionStats.totalDocsExamined).toBe(1);
      expect(plan.executionStats.nReturned).toBe(1);
    });

    it('serves sorted, limited ranges from the index order', async () => {
      const docs = await c
        .find({ k: { $gt: 'k01000' } })
        .sort({ k: 1 })
        .limit(3)
        .toArray();
      expect(docs.map((d) => d._id)).toEqual([1001, 1002, 1003]);
      const plan = await c
        .find({ k: { $gt: 'k01000' } })
        .sort({ k: 1 })
        .limit(3)
        .explain('executionStats');
      expect(plan.executionStats.totalDocsExamined).toBe(3);
      const desc = await c.find({ g: 3 }).sort({ t: -1 }).limit(2).toArray();
      expect(desc.map((d) => d.t as number)).toEqual([4993, 4983]);
      const pe = await c.find({ g: 3 }).sort({ t: -1 }).limit(2).explain('executionStats');
      expect(pe.executionStats.totalDocsExamined).toBe(2);
      const rev = await c
        .find({ g: 3, t: { $lt: 100 } })
        .sort({ t: 1 })
        .toArray();
      expect(rev.map((d) => d.t as number)).toEqual([3, 13, 23, 33, 43, 53, 63, 73, 83, 93]);
    });

    it('paginates by _id with $gt and $lt using the _id index', async () => {
      const page = await c
        .find({ _id: { $lt: 4000 } } as never)
        .sort({ _id: -1 })
        .limit(2)
        .toArray();
      expect(page.map((d) => d._id)).toEqual([3999, 3998]);
      const plan = await c.find({ _id: { $gt: 10, $lte: 12 } } as never).explain('executionStats');
      expect(plan.queryPlanner.winningPlan.inputStage).toMatchObject({ stage: 'IXSCAN', indexName: '_id_' });
      expect(plan.executionStats.totalDocsExamined).toBe(2);
      expect(await c.countDocuments({ k: { $in: ['k00001', 'k00002', 'nope'] } })).toBe(2);
    });
  });
});
