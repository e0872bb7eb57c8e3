import { Long } from 'mongodb';
import { type Harness, startHarness } from './testing/harness';

/**
 * Differential check of the query planner: the same random queries against an indexed collection and an
 * unindexed copy (always a full scan) must return the same documents in the same order.
 */
describe('embedded-mongo planner agrees with a full scan', () => {
  let h: Harness;
  beforeAll(async () => (h = await startHarness()));
  afterAll(() => h.close());

  it('for random equality, range, $in, sort, skip and limit queries', async () => {
    let seed = 12345;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const value = (): unknown => {
      switch (rnd(7)) {
        case 0:
          return rnd(20);
        case 1:
          return Long.fromNumber(rnd(20));
        case 2:
          return rnd(20) + 0.5;
        case 3:
          return `s${rnd(10)}`;
        case 4:
          return null;
        case 5:
          return [rnd(20), rnd(20)];
        default:
          return new Date(rnd(5) * 1000);
      }
    };
    const docs = Array.from({ length: 400 }, (_, i) => {
      // c is unique so sorts on it alone are deterministic (tie order is unspecified in MongoDB)
      const d: Record<string, unknown> = { _id: i, a: value(), b: rnd(5), c: (i * 7) % 401 };
      if (rnd(10) === 0) delete d.a;
      return d;
    });
    const db = h.client.db('plan');
    const indexed = db.collection('indexed');
    const plain = db.collection('plain');
    await indexed.createIndexes([{ key: { a: 1 } }, { key: { b: 1, c: -1 } }, { key: { c: 1 } }]);
    await indexed.insertMany(docs.map((d) => ({ ...d })));
    await plain.insertMany(docs.map((d) => ({ ...d })));
    for (let q = 0; q < 300; q++) {
      const filter: Record<string, unknown> = {};
      const pick = rnd(6);
      if (pick === 0) filter.a = value();
      if (pick === 1) filter.a = { [['$gt', '$gte', '$lt', '$lte'][rnd(4)] as string]: value() };
      if (pick === 2) filter.a = { $in: [value(), value()] };
      if (pick === 3) filter.b = rnd(5);
      if (pick === 4) filter.c = { $gte: rnd(400), $lt: rnd(400) + 40 };
      if (pick === 5) Object.assign(filter, { b: rnd(5), c: { $gt: rnd(400) } });
      const sorts: Record<string, 1 | -1>[] = [
        { _id: 1 },
        { _id: -1 },
        { a: 1, _id: 1 },
        { c: -1 },
        { c: 1 },
        { b: 1, c: -1 },
        { b: -1, c: 1 },
        { c: 1, _id: -1 },
      ];
      const sort = sorts[rnd(sorts.length)] ?? { _id: 1 };
      const skip = rnd(3);
      const limit = rnd(4) * 5;
      const run = (coll: typeof plain) => coll.find(filter).sort(sort).skip(skip).limit(limit).toArray();
      const [x, y] = await Promise.all([run(indexed), run(plain)]);
      expect({ filter, sort, ids: x.map((d) => d._id) }).toEqual({ filter, sort, ids: y.map((d) => d._id) });
    }
  });
});
