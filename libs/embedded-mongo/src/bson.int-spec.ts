import { Binary, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp, UUID } from 'mongodb';
import { type Harness, startHarness } from './testing/harness';

describe('embedded-mongo BSON fidelity', () => {
  let h: Harness;
  beforeAll(async () => (h = await startHarness()));
  afterAll(() => h.close());

  const raw = () =>
    h.client.db('bson').collection('t', { promoteValues: false, promoteLongs: false, promoteBuffers: false });

  it('round-trips Long, Int32, Double, Decimal128, Date, ObjectId, Binary and UUID unchanged', async () => {
    const oid = new ObjectId();
    const uuid = new UUID();
    const doc = {
      _id: 'types',
      long: Long.fromString('9007199254740993'),
      int: new Int32(7),
      dbl: new Double(5),
      negZero: new Double(-0),
      frac: new Double(2.5),
      dec: Decimal128.fromString('1.10'),
      date: new Date('2024-01-02T03:04:05.678Z'),
      oid,
      bin: new Binary(Buffer.from([1, 2, 3]), 0),
      uuid,
      ts: new Timestamp({ t: 5, i: 6 }),
      nested: { arr: [Long.fromNumber(1), new Double(1), 1] },
    };
    await h.client
      .db('bson')
      .collection('t')
      .insertOne(doc as never);
    const back = (await raw().findOne({ _id: 'types' } as never)) as Record<string, unknown>;
    expect((back.long as Long).toString()).toBe('9007199254740993');
    expect(back.long).toBeInstanceOf(Long);
    expect(back.int).toBeInstanceOf(Int32);
    expect(back.dbl).toBeInstanceOf(Double);
    expect((back.dbl as Double).value).toBe(5);
    expect(Object.is((back.negZero as Double).value, -0)).toBe(true);
    expect(back.frac).toBeInstanceOf(Double);
    expect((back.dec as Decimal128).toString()).toBe('1.10');
    expect(back.date).toEqual(doc.date);
    expect((back.oid as ObjectId).equals(oid)).toBe(true);
    expect(Buffer.from((back.bin as Binary).buffer)).toEqual(Buffer.from([1, 2, 3]));
    expect((back.uuid as Binary).sub_type).toBe(4);
    expect((back.uuid as Binary).toUUID().equals(uuid)).toBe(true);
    expect((back.ts as Timestamp).t).toBe(5);
    const arr = (back.nested as { arr: unknown[] }).arr;
    expect(arr[0]).toBeInstanceOf(Long);
    expect(arr[1]).toBeInstanceOf(Double);
    expect(arr[2]).toBeInstanceOf(Int32);
  });

  it('$inc works by value on every numeric type and keeps MongoDB result types', async () => {
    const c = h.client.db('bson').collection('inc');
    await c.insertOne({
      _id: 1,
      l: Long.fromNumber(10),
      i: 1,
      d: new Double(1.5),
      m: Decimal128.fromString('1.5'),
      big: 2147483647,
    } as never);
    await c.updateOne({ _id: 1 } as never, { $inc: { l: 5, i: Long.fromNumber(2), d: 1.5, m: 1, big: 1 } });
    const back = (await h.client
      .db('bson')
      .collection('inc', { promoteValues: false, promoteLongs: false })
      .findOne({ _id: 1 } as never)) as Record<string, unknown>;
    expect(back.l).toBeInstanceOf(Long);
    expect((back.l as Long).toNumber()).toBe(15);
    expect(back.i).toBeInstanceOf(Long);
    expect((back.i as Long).toNumber()).toBe(3);
    expect(back.d).toBeInstanceOf(Double);
    expect((back.d as Double).value).toBe(3);
    expect(Number((back.m as Decimal128).toString())).toBe(2.5);
    expect(back.big).toBeInstanceOf(Long); // int32 overflow promotes to int64
    expect((back.big as Long).toNumber()).toBe(2147483648);
  });

  it('compares numbers of different BSON types by value', async () => {
    const c = h.client.db('bson').collection('cmp');
    await c.insertMany([
      { _id: 'long', v: Long.fromNumber(5) },
      { _id: 'int', v: new Int32(6) },
      { _id: 'dbl', v: new Double(4.5) },
      { _id: 'dec', v: Decimal128.fromString('7') },
    ] as never[]);
    expect(
      (
        await c
          .find({ v: { $gte: 5 } })
          .sort({ v: 1 })
          .toArray()
      ).map((d) => d._id),
    ).toEqual(['long', 'int', 'dec']);
    expect((await c.find({ v: 5 }).toArray()).map((d) => d._id)).toEqual(['long']);
    expect((await c.find({ v: Long.fromNumber(6) }).toArray()).map((d) => d._id)).toEqual(['int']);
    const sum = await c.aggregate([{ $group: { _id: null, total: { $sum: '$v' } } }]).toArray();
    // a decimal among the inputs makes the sum a decimal (MongoDB), exact
    expect(sum[0]?.total).toEqual(Decimal128.fromString('22.5'));
    await c.createIndex({ v: 1 });
    expect(
      (
        await c
          .find({ v: { $lt: 6 } })
          .sort({ v: -1 })
          .toArray()
      ).map((d) => d._id),
    ).toEqual(['long', 'dbl']);
  });

  it('sorts across types in MongoDB order', async () => {
    const c = h.client.db('bson').collection('order');
    const values = [
      new MaxKey(),
      true,
      new Date(0),
      'str',
      { a: 1 },
      [1],
      new ObjectId('000000000000000000000000'),
      new Binary(Buffer.from([0]), 0),
      3,
      null,
      new MinKey(),
      new Timestamp({ t: 1, i: 1 }),
      /re/,
    ];
    await c.insertMany(values.map((v, i) => ({ _id: i, v })) as never[]);
    await c.insertOne({ _id: 99 } as never);
    const order = (await c.find().sort({ v: 1, _id: 1 }).toArray()).map((d) => d._id);
    // MinKey, null & missing, numbers (array [1] sorts by its element), string, object, binData, objectId, bool, date, timestamp, regex, MaxKey
    expect(order).toEqual([10, 9, 99, 5, 8, 3, 4, 7, 6, 1, 2, 11, 12, 0]);
  });
});
