import type { Collection } from 'mongodb';
import { type Harness, startHarness } from './testing/harness';

type Row = { _id: number; [k: string]: unknown };

describe('hashed indexes', () => {
  let h: Harness;
  let c: Collection<Row>;
  beforeAll(async () => {
    h = await startHarness();
    c = h.client.db('hashed').collection<Row>('users');
    await c.insertMany(Array.from({ length: 200 }, (_, i) => ({ _id: i, email: `u${i}@x`, n: i % 7 })));
    await c.createIndex({ email: 'hashed' });
  });
  afterAll(() => h.close());

  it('answers equality and $in from the index, examining only the matching documents', async () => {
    const plan = await c.find({ email: 'u42@x' }).explain('executionStats');
    expect(plan.queryPlanner.winningPlan.inputStage).toMatchObject({
      stage: 'IXSCAN',
      indexName: 'email_hashed',
    });
    expect(plan.executionStats.totalDocsExamined).toBe(1);
    expect(
      (await c.find({ email: { $in: ['u1@x', 'u7@x', 'nope'] } }).toArray()).map((d) => d._id).sort(),
    ).toEqual([1, 7]);
    const ranged = await c.find({ email: { $gte: 'u99@x' } }).explain('executionStats');
    expect(ranged.queryPlanner.winningPlan.stage).toBe('COLLSCAN');
    expect((await c.find({ email: { $gte: 'u99@x' } }).toArray()).map((d) => d._id)).toEqual([9, 99]);
  });

  it('refuses arrays on the hashed path, unique hashed indexes and two hashed fields', async () => {
    await expect(c.insertOne({ _id: 1000, email: ['a', 'b'] })).rejects.toMatchObject({ code: 16766 });
    await expect(c.updateOne({ _id: 1 }, { $set: { email: ['a'] } })).rejects.toMatchObject({ code: 16766 });
    expect((await c.findOne({ _id: 1 }))?.email).toBe('u1@x');
    await c.insertOne({ _id: 2000, tags: ['x'] });
    await expect(c.createIndex({ tags: 'hashed' })).rejects.toMatchObject({ code: 16766 });
    await expect(c.createIndex({ n: 'hashed' }, { unique: true })).rejects.toMatchObject({ code: 16764 });
    await expect(c.createIndex({ n: 'hashed', email: 'hashed' } as never)).rejects.toMatchObject({
      code: 31303,
    });
    await c.createIndex({ n: 1, email: 'hashed' });
    expect((await c.find({ n: 3, email: 'u3@x' }).toArray()).map((d) => d._id)).toEqual([3]);
  });
});
