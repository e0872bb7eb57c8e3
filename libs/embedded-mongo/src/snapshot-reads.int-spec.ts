import { type Document, Timestamp } from 'mongodb';
import { type Harness, startHarness } from './testing/harness';

type Doc = { _id: number; v: string };

describe('snapshot reads (readConcern snapshot, atClusterTime)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ inMemory: true, changeHistorySize: 200 });
  });
  afterAll(() => h.close());
  const db = () => h.client.db('snap');
  /** A cluster time just after `write` (a ping's operationTime is a fresh tick of the same clock). */
  const writeTime = async (write: () => Promise<unknown>): Promise<Timestamp> => {
    await write();
    return (await db().command({ ping: 1 })).operationTime as Timestamp;
  };
  const findAt = async (coll: string, at: Timestamp, filter: Document = {}): Promise<Document> =>
    db().command({
      find: coll,
      filter,
      sort: { _id: 1 },
      readConcern: { level: 'snapshot', atClusterTime: at },
    });

  it('a snapshot session reads every find, aggregate and distinct at its first read’s cluster time', async () => {
    const c = db().collection<Doc>('session');
    await c.insertMany([
      { _id: 1, v: 'a' },
      { _id: 2, v: 'b' },
    ]);
    const session = h.client.startSession({ snapshot: true });
    try {
      expect(await c.find({}, { session }).sort({ _id: 1 }).toArray()).toHaveLength(2);
      await c.updateOne({ _id: 1 }, { $set: { v: 'changed' } });
      await c.deleteOne({ _id: 2 });
      await c.insertOne({ _id: 3, v: 'new' });
      expect(await c.find({}, { session }).sort({ _id: 1 }).toArray()).toEqual([
        { _id: 1, v: 'a' },
        { _id: 2, v: 'b' },
      ]);
      expect(await c.findOne({ _id: 1 }, { session })).toEqual({ _id: 1, v: 'a' });
      expect(
        await c.aggregate([{ $sort: { _id: -1 } }, { $project: { v: 1, _id: 0 } }], { session }).toArray(),
      ).toEqual([{ v: 'b' }, { v: 'a' }]);
      expect((await c.distinct('v', {}, { session })).sort()).toEqual(['a', 'b']);
      expect(await c.countDocuments({}, { session })).toBe(2);
      expect(await c.find({}).toArray()).toHaveLength(2); // outside the session: the latest data
    } finally {
      await session.endSession();
    }
  });

  it('atClusterTime reads the data as of that time and is echoed on the cursor', async () => {
    const c = db().collection<Doc>('at');
    await c.insertOne({ _id: 1, v: 'first' });
    const t1 = await writeTime(() => c.updateOne({ _id: 1 }, { $set: { v: 'second' } }));
    await c.updateOne({ _id: 1 }, { $set: { v: 'third' } });
    const r = await findAt('at', t1);
    expect(r.cursor.firstBatch).toEqual([{ _id: 1, v: 'second' }]);
    expect(r.cursor.atClusterTime).toEqual(t1);
    const distinct = await db().command({
      distinct: 'at',
      key: 'v',
      readConcern: { level: 'snapshot', atClusterTime: t1 },
    });
    expect(distinct).toMatchObject({ values: ['second'], atClusterTime: t1 });
  });

  it('undoes every statement of a later transaction', async () => {
    const c = db().collection<Doc>('undo');
    await c.insertOne({ _id: 1, v: 'orig' });
    const before = await writeTime(() => Promise.resolve());
    const session = h.client.startSession();
    try {
      await session.withTransaction(async () => {
        await c.updateOne({ _id: 1 }, { $set: { v: 'one' } }, { session });
        await c.updateOne({ _id: 1 }, { $set: { v: 'two' } }, { session });
        await c.insertOne({ _id: 2, v: 'new' }, { session });
      });
    } finally {
      await session.endSession();
    }
    expect((await findAt('undo', before)).cursor.firstBatch).toEqual([{ _id: 1, v: 'orig' }]);
  });

  it('sees a collection dropped later, and none that was created later', async () => {
    await db().collection<Doc>('dropped').insertOne({ _id: 1, v: 'kept' });
    const before = await writeTime(() => Promise.resolve());
    await db().collection('dropped').drop();
    await db().collection<Doc>('born').insertOne({ _id: 1, v: 'later' });
    expect((await findAt('dropped', before)).cursor.firstBatch).toEqual([{ _id: 1, v: 'kept' }]);
    expect((await findAt('born', before)).cursor.firstBatch).toEqual([]);
  });

  it('an atClusterTime older than the retained history is SnapshotTooOld (239)', async () => {
    const c = db().collection<Doc>('old');
    const t = await writeTime(() => c.insertOne({ _id: 0, v: 'x' }));
    await c.insertMany(Array.from({ length: 250 }, (_, i) => ({ _id: i + 1, v: 'y' })));
    await expect(findAt('old', t)).rejects.toMatchObject({ code: 239, codeName: 'SnapshotTooOld' });
    await expect(findAt('old', new Timestamp({ t: 1, i: 1 }))).rejects.toMatchObject({ code: 239 });
  });

  it('refuses what mongod 7.0 refuses under a snapshot read concern', async () => {
    const snapshot = { level: 'snapshot' };
    const now = (await db().command({ ping: 1 })).operationTime as Timestamp;
    await expect(db().command({ count: 'at', readConcern: snapshot })).rejects.toMatchObject({
      code: 72,
      codeName: 'InvalidOptions',
    });
    await expect(
      db().command({ insert: 'at', documents: [{}], readConcern: snapshot }),
    ).rejects.toMatchObject({
      code: 72,
    });
    await expect(
      db().command({ find: 'at', readConcern: { level: 'majority', atClusterTime: now } }),
    ).rejects.toMatchObject({ code: 72 });
    await expect(
      db().command({
        find: 'at',
        readConcern: { level: 'snapshot', atClusterTime: now, afterClusterTime: now },
      }),
    ).rejects.toMatchObject({ code: 72 });
    const future = new Timestamp({ t: now.high + 3600, i: 1 });
    await expect(findAt('at', future)).rejects.toMatchObject({ code: 72 });
    const session = h.client.startSession({ snapshot: true });
    try {
      await expect(db().collection('at').estimatedDocumentCount({ session })).rejects.toMatchObject({
        code: 72,
      });
    } finally {
      await session.endSession();
    }
  });

  it('a transaction with readConcern snapshot reads one snapshot despite concurrent writes', async () => {
    const c = db().collection<Doc>('txn');
    await c.insertOne({ _id: 1, v: 'before' });
    const session = h.client.startSession();
    try {
      session.startTransaction({ readConcern: { level: 'snapshot' } });
      expect(await c.findOne({ _id: 1 }, { session })).toEqual({ _id: 1, v: 'before' });
      await c.updateOne({ _id: 1 }, { $set: { v: 'outside' } });
      expect(await c.find({}, { session }).toArray()).toEqual([{ _id: 1, v: 'before' }]);
      await session.commitTransaction();
    } finally {
      await session.endSession();
    }
  });
});
