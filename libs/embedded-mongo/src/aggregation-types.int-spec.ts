import { Decimal128, Double, Long } from 'bson';
import type { Collection, Document } from 'mongodb';

type Row = { _id?: number | string; [k: string]: unknown };
import { type Harness, startHarness } from './testing/harness';

describe('aggregation keeps BSON numeric types (Decimal128, Int64, Double)', () => {
  let h: Harness;
  let seq = 0;
  const coll = (): Collection<Row> => h.client.db('aggtypes').collection<Row>(`c${++seq}`);
  const dec = (s: string): Decimal128 => Decimal128.fromString(s);

  beforeAll(async () => (h = await startHarness()));
  afterAll(() => h.close());

  it('passes Decimal128 and Long through $addFields unchanged', async () => {
    const c = coll();
    await c.insertOne({
      _id: 1,
      price: dec('19.90'),
      big: Long.fromString('9007199254740993'),
      d: new Double(2),
    });
    const [doc] = await c.aggregate([{ $addFields: { x: 1 } }]).toArray();
    expect(doc?.price).toBeInstanceOf(Decimal128);
    expect(String(doc?.price)).toBe('19.90');
    expect(doc?.big).toBeInstanceOf(Long);
    expect(String(doc?.big)).toBe('9007199254740993');
    const raw = await c.aggregate([{ $project: { d: 1 } }], { promoteValues: false }).toArray();
    expect(raw[0]?.d).toBeInstanceOf(Double);
  });

  it('sums money exactly as Decimal128 and Int64 without losing precision', async () => {
    const c = coll();
    await c.insertMany([
      { g: 'a', price: dec('0.10'), n: Long.fromString('9007199254740993') },
      { g: 'a', price: dec('0.20'), n: Long.fromNumber(2) },
      { g: 'a', price: dec('19.90'), n: 1 },
    ]);
    const [r] = await c
      .aggregate([
        { $group: { _id: '$g', total: { $sum: '$price' }, n: { $sum: '$n' }, avg: { $avg: '$price' } } },
      ])
      .toArray();
    expect(r?.total).toBeInstanceOf(Decimal128);
    expect(String(r?.total)).toBe('20.20');
    expect(r?.n).toBeInstanceOf(Long);
    expect(String(r?.n)).toBe('9007199254740996');
    expect(r?.avg).toBeInstanceOf(Decimal128);
    expect(Number(String(r?.avg))).toBeCloseTo(6.7333333, 5);
  });

  it('computes $add/$multiply/$subtract/$divide/$round over Decimal128 exactly', async () => {
    const c = coll();
    await c.insertOne({ price: dec('19.90'), qty: 3, rate: dec('0.07') });
    const [r] = await c
      .aggregate([
        {
          $project: {
            _id: 0,
            line: { $multiply: ['$price', '$qty'] },
            plus: { $add: ['$price', 1] },
            minus: { $subtract: ['$price', dec('0.90')] },
            tax: { $round: [{ $multiply: ['$price', '$rate'] }, 2] },
            third: { $divide: ['$price', 4] },
            cmp: { $gt: ['$price', 19.8] },
            t: { $type: '$price' },
          },
        },
      ])
      .toArray();
    expect(Object.fromEntries(Object.entries(r ?? {}).map(([k, v]) => [k, String(v)]))).toEqual({
      line: '59.70',
      plus: '20.90',
      minus: '19.00',
      tax: '1.39',
      third: '4.975',
      cmp: 'true',
      t: 'decimal',
    });
    expect(r?.line).toBeInstanceOf(Decimal128);
  });

  it('keeps Int64 arithmetic exact and widens int32 overflow to Int64', async () => {
    const c = coll();
    await c.insertOne({ big: Long.fromString('9007199254740993'), i: 2147483647 });
    const [r] = await c
      .aggregate([{ $project: { _id: 0, s: { $add: ['$big', 2] }, m: { $multiply: ['$i', 2] } } }], {
        promoteLongs: false,
      })
      .toArray();
    expect(String(r?.s)).toBe('9007199254740995');
    expect(r?.s).toBeInstanceOf(Long);
    expect(r?.m).toBeInstanceOf(Long);
    expect(String(r?.m)).toBe('4294967294');
  });

  it('keeps types through $lookup and sorts mixed numeric types by value', async () => {
    const orders = coll();
    const products = coll();
    await products.insertOne({ _id: 'p1', price: dec('5.55') });
    await orders.insertMany([
      { _id: 1, p: 'p1', amount: dec('2.5') },
      { _id: 2, p: 'p1', amount: Long.fromNumber(2) },
      { _id: 3, p: 'p1', amount: 3 },
    ]);
    const rows = await orders
      .aggregate([
        { $lookup: { from: products.collectionName, localField: 'p', foreignField: '_id', as: 'prod' } },
        { $sort: { amount: -1 } },
      ])
      .toArray();
    expect(rows.map((r) => r._id as unknown)).toEqual([3, 1, 2]);
    const prod = rows[0]?.prod as Document[];
    expect(prod[0]?.price).toBeInstanceOf(Decimal128);
    expect(String(prod[0]?.price)).toBe('5.55');
  });

  it('matches numeric wrappers by value after a computed stage and never modifies stored documents', async () => {
    const c = coll();
    await c.insertOne({ _id: 1, a: { b: 1 }, price: dec('19.90') });
    const r = await c.aggregate([{ $addFields: { 'a.c': 2 } }, { $match: { price: { $gt: 19 } } }]).toArray();
    expect(r).toHaveLength(1);
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, a: { b: 1 }, price: dec('19.90') });
  });

  it('$inc and $mul on Decimal128 are exact', async () => {
    const c = coll();
    await c.insertOne({ _id: 1, v: dec('0.1') });
    await c.updateOne({ _id: 1 }, { $inc: { v: dec('0.2') } } as never);
    await c.updateOne({ _id: 1 }, { $mul: { v: dec('3') } } as never);
    expect(String((await c.findOne({ _id: 1 }))?.v)).toBe('0.9');
  });
});
