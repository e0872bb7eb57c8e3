import type { Db } from 'mongodb';
import { type Harness, startHarness } from './testing/harness';

type Row = { _id: number; [k: string]: unknown };

describe('create options as mongod validates them; capped collections', () => {
  let h: Harness;
  let db: Db;
  let seq = 0;
  const name = (): string => `c${++seq}`;
  beforeAll(async () => {
    h = await startHarness();
    db = h.client.db('create');
  });
  afterAll(() => h.close());

  it('refuses unknown, mistyped and contradictory options', async () => {
    const create = (opts: object) => db.command({ create: name(), ...opts });
    await expect(create({ capped: true })).rejects.toMatchObject({
      code: 72,
      message: "the 'size' field is required when 'capped' is true",
    });
    await expect(create({ bogus: 1 })).rejects.toMatchObject({
      code: 40415,
      message: "BSON field 'create.bogus' is an unknown field.",
    });
    await expect(create({ capped: true, size: 'big' })).rejects.toMatchObject({ code: 14 });
    await expect(create({ validator: [] })).rejects.toMatchObject({ code: 14 });
    await expect(create({ expireAfterSeconds: 10 })).rejects.toMatchObject({ code: 72 });
    await expect(create({ pipeline: [] })).rejects.toMatchObject({ code: 2 });
    await expect(create({ autoIndexId: false })).rejects.toMatchObject({ code: 72 });
    await expect(create({ encryptedFields: { fields: [] } })).rejects.toMatchObject({ code: 115 });
    await expect(create({ timeseries: { metaField: 'm' } })).rejects.toMatchObject({ code: 40414 });
    expect((await db.listCollections().toArray()).length).toBe(0);
    await create({ capped: true, size: 4096, max: 3, writeConcern: { w: 1 }, comment: 'fine' });
  });

  it('a capped collection keeps the newest documents within max and size, in insertion order', async () => {
    const c = await db.createCollection<Row>(name(), { capped: true, size: 100_000, max: 3 });
    for (let i = 1; i <= 5; i++) await c.insertOne({ _id: i });
    expect((await c.find().toArray()).map((d) => d._id)).toEqual([3, 4, 5]);
    const big = await db.createCollection<Row>(name(), { capped: true, size: 5000 });
    await big.insertMany(Array.from({ length: 10 }, (_, i) => ({ _id: i, pad: 'x'.repeat(1000) })));
    const kept = (await big.find().toArray()).map((d) => d._id);
    // each document is 1020 bytes; 5000 rounds up to 5120, so five fit
    expect(kept).toEqual([5, 6, 7, 8, 9]);
    const [info] = await db.listCollections({ name: big.collectionName }).toArray();
    expect((info as { options?: unknown }).options).toMatchObject({ capped: true, size: 5000 });
  });

  it('refuses writes to a capped collection inside a transaction', async () => {
    const c = await db.createCollection<Row>(name(), { capped: true, size: 4096 });
    const session = h.client.startSession();
    try {
      await expect(
        session.withTransaction(async () => {
          await c.insertOne({ _id: 1 }, { session });
        }),
      ).rejects.toMatchObject({ code: 263 });
    } finally {
      await session.endSession();
    }
    expect(await c.countDocuments()).toBe(0);
  });
});
