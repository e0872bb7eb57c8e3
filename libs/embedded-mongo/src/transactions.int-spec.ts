import { type Collection, type Document, type MongoServerError } from 'mongodb';
import { type Harness, startHarness } from './testing/harness';

describe('embedded-mongo transactions', () => {
  let h: Harness;
  let seq = 0;
  const coll = (): Collection<Document> => h.client.db('txn').collection(`c${++seq}`);

  beforeAll(async () => (h = await startHarness()));
  afterAll(() => h.close());

  it('commits a projection batch (bulkWrite upserts + checkpoint) atomically', async () => {
    const rm = coll();
    const checkpoints = h.client.db('txn').collection<Document>('checkpoints');
    const session = h.client.startSession();
    try {
      await session.withTransaction(async () => {
        await rm.bulkWrite(
          [
            {
              updateOne: {
                filter: { _id: 'a' },
                update: { $set: { n: 'A' }, $inc: { c: 1 }, $push: { e: 1 }, $setOnInsert: { at: 1 } },
                upsert: true,
              },
            },
            {
              updateOne: { filter: { _id: 'b' }, update: { $set: { n: 'B' }, $inc: { c: 2 } }, upsert: true },
            },
            {
              updateOne: { filter: { _id: 'a' }, update: { $inc: { c: 1 }, $push: { e: 2 } }, upsert: true },
            },
          ] as never[],
          { session },
        );
        await checkpoints.updateOne(
          { _id: 'proj' } as never,
          { $set: { position: 42 } },
          { upsert: true, session },
        );
        // invisible outside the transaction until commit
        expect(await rm.findOne({ _id: 'a' } as never)).toBeNull();
        expect(await rm.findOne({ _id: 'a' } as never, { session })).toMatchObject({ c: 2, e: [1, 2] });
      });
    } finally {
      await session.endSession();
    }
    expect(await rm.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'a', n: 'A', c: 2, e: [1, 2], at: 1 },
      { _id: 'b', n: 'B', c: 2 },
    ]);
    expect(await checkpoints.findOne({ _id: 'proj' } as never)).toEqual({ _id: 'proj', position: 42 });
  });

  it('discards writes on abort', async () => {
    const c = coll();
    await c.insertOne({ _id: 1, v: 'before' } as never);
    const session = h.client.startSession();
    session.startTransaction();
    await c.updateOne({ _id: 1 } as never, { $set: { v: 'inside' } }, { session });
    await c.insertOne({ _id: 2 } as never, { session });
    await c.deleteOne({ _id: 1 } as never, { session });
    expect(await c.countDocuments({}, { session })).toBe(1);
    await session.abortTransaction();
    await session.endSession();
    expect(await c.find().toArray()).toEqual([{ _id: 1, v: 'before' }]);
  });

  it('gives the second writer of a document WriteConflict (112) with TransientTransactionError', async () => {
    const c = coll();
    await c.insertOne({ _id: 1, v: 0 } as never);
    const s1 = h.client.startSession();
    const s2 = h.client.startSession();
    s1.startTransaction();
    s2.startTransaction();
    await c.updateOne({ _id: 1 } as never, { $set: { v: 1 } }, { session: s1 });
    const err = (await c
      .updateOne({ _id: 1 } as never, { $set: { v: 2 } }, { session: s2 })
      .catch((e: unknown) => e)) as MongoServerError;
    expect(err.code).toBe(112);
    expect(err.hasErrorLabel('TransientTransactionError')).toBe(true);
    await s2.abortTransaction();
    await s1.commitTransaction();
    await Promise.all([s1.endSession(), s2.endSession()]);
    expect(await c.findOne({ _id: 1 } as never)).toEqual({ _id: 1, v: 1 });
  });

  it('withTransaction retries after a conflict and both increments land', async () => {
    const c = coll();
    await c.insertOne({ _id: 'ctr', n: 0 } as never);
    const bump = async () => {
      const s = h.client.startSession();
      try {
        await s.withTransaction(async () => {
          await c.updateOne({ _id: 'ctr' } as never, { $inc: { n: 1 } }, { session: s });
        });
      } finally {
        await s.endSession();
      }
    };
    await Promise.all(Array.from({ length: 8 }, bump));
    expect(await c.findOne({ _id: 'ctr' } as never)).toEqual({ _id: 'ctr', n: 8 });
  });

  it('enforces unique indexes inside transactions and aborts on duplicate', async () => {
    const c = coll();
    await c.createIndex({ sku: 1 }, { unique: true });
    await c.insertOne({ sku: 'x' });
    const s = h.client.startSession();
    const err = await s
      .withTransaction(async () => {
        await c.insertOne({ sku: 'y' }, { session: s });
        await c.bulkWrite([{ insertOne: { document: { sku: 'y' } } }], { session: s });
      })
      .catch((e: unknown) => e);
    await s.endSession();
    expect(err).toMatchObject({ code: 11000 });
    expect(await c.countDocuments({ sku: 'y' })).toBe(0);
  });

  it('a plain write to a document held by a transaction makes that transaction fail to commit', async () => {
    const c = coll();
    await c.insertOne({ _id: 1, v: 0 } as never);
    const s = h.client.startSession();
    s.startTransaction();
    await c.updateOne({ _id: 1 } as never, { $set: { v: 'txn' } }, { session: s });
    await c.updateOne({ _id: 1 } as never, { $set: { v: 'plain' } });
    const err = (await s.commitTransaction().catch((e: unknown) => e)) as MongoServerError;
    await s.endSession();
    expect(err.code).toBe(251);
    expect(err.hasErrorLabel('TransientTransactionError')).toBe(true);
    expect(await c.findOne({ _id: 1 } as never)).toEqual({ _id: 1, v: 'plain' });
  });
  it('readers never see half of a transaction under concurrent conflicting writers', async () => {
    const c = coll();
    await c.insertMany([
      { _id: 'A', n: 0 },
      { _id: 'B', n: 0 },
    ] as never[]);
    let done = false;
    let reads = 0;
    const reader = (async () => {
      while (!done) {
        const [a, b] = await c
          .find({ _id: { $in: ['A', 'B'] } } as never)
          .sort({ _id: 1 })
          .toArray();
        expect(a?.n).toBe(b?.n);
        reads++;
      }
    })();
    const writer = async () => {
      for (let i = 0; i < 15; i++) {
        const s = h.client.startSession();
        try {
          await s.withTransaction(async () => {
            await c.updateOne({ _id: 'A' } as never, { $inc: { n: 1 } }, { session: s });
            await c.updateOne({ _id: 'B' } as never, { $inc: { n: 1 } }, { session: s });
          });
        } finally {
          await s.endSession();
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, writer));
    done = true;
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect(await c.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'A', n: 90 },
      { _id: 'B', n: 90 },
    ]);
  });
  it('reads from a snapshot taken at its first operation', async () => {
    const c = coll();
    await c.createIndex({ k: 1 });
    await c.insertMany([
      { _id: 1, k: 'a', v: 1 },
      { _id: 2, k: 'b', v: 1 },
    ] as never[]);
    const s = h.client.startSession();
    s.startTransaction();
    expect(await c.findOne({ _id: 1 } as never, { session: s })).toMatchObject({ v: 1 });
    // committed by others after the snapshot: an update, a delete and an insert
    await c.updateOne({ _id: 1 } as never, { $set: { v: 2, k: 'z' } });
    await c.deleteOne({ _id: 2 } as never);
    await c.insertOne({ _id: 3, k: 'c', v: 1 } as never);
    expect(await c.findOne({ _id: 1 } as never, { session: s })).toMatchObject({ k: 'a', v: 1 });
    expect(
      (
        await c
          .find({ k: { $gte: 'a' } }, { session: s })
          .sort({ k: 1 })
          .toArray()
      ).map((d) => d._id),
    ).toEqual([1, 2]);
    expect(await c.countDocuments({}, { session: s })).toBe(2);
    expect(await c.findOne({ k: 'a' }, { session: s })).toMatchObject({ _id: 1 });
    // writing a document someone else committed after our snapshot is a write conflict
    const err = (await c
      .updateOne({ _id: 1 } as never, { $set: { v: 3 } }, { session: s })
      .catch((e: unknown) => e)) as MongoServerError;
    expect(err.code).toBe(112);
    await s.abortTransaction().catch(() => undefined);
    await s.endSession();
    expect((await c.find().sort({ _id: 1 }).toArray()).map((d) => [d._id, d.v as number])).toEqual([
      [1, 2],
      [3, 1],
    ]);
  });
  it('keeps repeatable reads and atomic commits under random concurrent transactions', async () => {
    const c = coll();
    await c.createIndex({ n: 1 });
    await c.insertMany(Array.from({ length: 5 }, (_, i) => ({ _id: i, n: 0 })) as never[]);
    let seed = 99;
    const rnd = (k: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % k;
    const sum = (docs: Document[]) => docs.reduce((t, d) => t + (d.n as number), 0);
    let committed = 0;
    let stop = false;
    const reader = (async () => {
      while (!stop) expect(sum(await c.find().toArray()) % 2).toBe(0); // commits are all-or-nothing
    })();
    const worker = async () => {
      for (let i = 0; i < 10; i++) {
        const s = h.client.startSession();
        try {
          await s.withTransaction(async () => {
            const before = await c.find({}, { session: s }).sort({ _id: 1 }).toArray();
            const a = rnd(5);
            const b = (a + 1 + rnd(4)) % 5;
            await c.updateOne({ _id: a } as never, { $inc: { n: 1 } }, { session: s });
            await c.updateOne({ _id: b } as never, { $inc: { n: 1 } }, { session: s });
            const after = await c
              .find({ n: { $gte: 0 } }, { session: s })
              .sort({ _id: 1 })
              .toArray();
            // own writes on top of an unchanged snapshot, whatever others committed meanwhile
            expect(after.map((d) => d.n as number)).toEqual(
              before.map(
                (d) => (d.n as number) + ((d._id as unknown) === a || (d._id as unknown) === b ? 1 : 0),
              ),
            );
          });
          committed++;
        } finally {
          await s.endSession();
        }
      }
    };
    await Promise.all(Array.from({ length: 5 }, worker));
    stop = true;
    await reader;
    expect(committed).toBe(50);
    expect(sum(await c.find().toArray())).toBe(100);
  });
});
