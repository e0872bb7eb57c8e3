import type { Collection } from 'mongodb';
import { type Harness, startHarness } from './testing/harness';

type Row = { _id?: number | string; [k: string]: unknown };

describe('bounded query cost: regexes and maxTimeMS', () => {
  let h: Harness;
  let seq = 0;
  const coll = (): Collection<Row> => h.client.db('limits').collection<Row>(`c${++seq}`);

  beforeAll(async () => (h = await startHarness()));
  afterAll(() => h.close());

  it('a catastrophic-backtracking pattern runs in linear time instead of freezing the event loop', async () => {
    const c = coll();
    await c.insertMany([
      { _id: 1, s: 'a'.repeat(29) + 'b' },
      { _id: 2, s: 'a'.repeat(29) },
    ]);
    // with a backtracking engine this takes minutes; jest's 5 s timeout would fail the test
    const hits = await c.find({ s: { $regex: '^(a+)+$' } }).toArray();
    expect(hits.map((d) => d._id)).toEqual([2]);
    const ci = await c.find({ s: { $regex: '^(A+)+$', $options: 'i' } }).toArray();
    expect(ci.map((d) => d._id)).toEqual([2]);
    const long = await c.find({ s: /^(a|aa)+$/ }).toArray();
    expect(long.map((d) => d._id)).toEqual([2]);
  });

  it('patterns that need backtracking features are refused with an error, case-insensitive classes work', async () => {
    const c = coll();
    await c.insertOne({ _id: 1, s: 'Hello World' });
    await expect(c.find({ s: { $regex: '(l)\\1' } }).toArray()).rejects.toMatchObject({ code: 51091 });
    await expect(c.find({ s: { $regex: 'x', $options: 'q' } }).toArray()).rejects.toMatchObject({
      code: 51108,
    });
    expect(await c.countDocuments({ s: { $regex: '^hello [w-z]ORLD$', $options: 'i' } })).toBe(1);
    expect(await c.countDocuments({ s: { $regex: 'hello\\ # greeting\n world', $options: 'ix' } })).toBe(1);
  });

  it('maxTimeMS stops long aggregations and finds with MaxTimeMSExpired (50)', async () => {
    const c = coll();
    await c.insertMany(Array.from({ length: 20 }, (_, i) => ({ _id: i })));
    const heavy = {
      $reduce: { input: { $range: [0, 300000] }, initialValue: 0, in: { $add: ['$$value', '$$this'] } },
    };
    await expect(
      c.aggregate([{ $project: { x: heavy } }], { maxTimeMS: 30 }).toArray(),
    ).rejects.toMatchObject({
      code: 50,
      codeName: 'MaxTimeMSExpired',
    });
    await expect(c.find({ $expr: { $gt: [heavy, 0] } }, { maxTimeMS: 30 }).toArray()).rejects.toMatchObject({
      code: 50,
    });
    // the server is still responsive and a generous limit lets the same work finish
    expect(await c.countDocuments({}, { maxTimeMS: 60000 })).toBe(20);
    await expect(c.find({}, { maxTimeMS: -1 }).toArray()).rejects.toMatchObject({ code: 2 });
  });
});
