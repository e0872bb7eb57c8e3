import { Binary, DBRef, Double, Int32, ObjectId } from 'bson';
import type { Collection } from 'mongodb';
import { type Harness, startHarness } from './testing/harness';

type Row = { _id?: number | string; [k: string]: unknown };

describe('query, projection and update semantics match mongod', () => {
  let h: Harness;
  let seq = 0;
  const coll = (): Collection<Row> => h.client.db('semantics').collection<Row>(`c${++seq}`);
  const ids = (rows: Row[]): unknown[] => rows.map((r) => r._id);

  beforeAll(async () => (h = await startHarness()));
  afterAll(() => h.close());

  it('$pull with a top-level $or removes the matching elements', async () => {
    const c = coll();
    await c.insertOne({ _id: 1, items: [{ a: 1 }, { b: 2 }, { a: 3 }] });
    const r = await c.updateOne({ _id: 1 }, { $pull: { items: { $or: [{ a: 1 }, { b: 2 }] } } } as never);
    expect(r.modifiedCount).toBe(1);
    expect((await c.findOne({ _id: 1 }))?.items).toEqual([{ a: 3 }]);
  });

  it('positional projection uses the query filter; $slice keeps the document; inclusion keeps order', async () => {
    const c = coll();
    await c.insertOne({ z: 0, _id: 1, arr: [{ k: 1 }, { k: 2 }, { k: 3 }], b: 'x', a: 'y' });
    expect(await c.findOne({ 'arr.k': 2 }, { projection: { 'arr.$': 1 } })).toEqual({
      _id: 1,
      arr: [{ k: 2 }],
    });
    expect(await c.findOne({ _id: 1 }, { projection: { arr: { $slice: 1 } } })).toEqual({
      z: 0,
      _id: 1,
      arr: [{ k: 1 }],
      b: 'x',
      a: 'y',
    });
    expect(await c.findOne({ _id: 1 }, { projection: { arr: { $slice: -1 }, b: 0 } })).toEqual({
      z: 0,
      _id: 1,
      arr: [{ k: 3 }],
      a: 'y',
    });
    const inc = await c.findOne({ _id: 1 }, { projection: { a: 1, b: 1, z: 1 } });
    expect(Object.keys(inc ?? {})).toEqual(['_id', 'z', 'b', 'a']);
  });

  it('$elemMatch projection with an operator-only condition on scalars', async () => {
    const c = coll();
    await c.insertOne({ _id: 1, ids: [1, 2, 3], other: true });
    expect(await c.findOne({ _id: 1 }, { projection: { ids: { $elemMatch: { $in: [2] } } } })).toEqual({
      _id: 1,
      ids: [2],
    });
  });

  it('$type tells objectId, binData, int and double apart', async () => {
    const c = coll();
    await c.insertMany([
      { _id: 'oid', v: new ObjectId() },
      { _id: 'bin', v: new Binary(Buffer.from([1, 2])) },
      { _id: 'int', v: new Int32(3) },
      { _id: 'dbl', v: new Double(3) },
      { _id: 'frac', v: 2.5 },
    ]);
    const of = async (t: string): Promise<unknown[]> =>
      ids(await c.find({ v: { $type: t } } as never).toArray());
    expect(await of('objectId')).toEqual(['oid']);
    expect(await of('binData')).toEqual(['bin']);
    expect(await of('int')).toEqual(['int']);
    expect(await of('double')).toEqual(['dbl', 'frac']);
    expect(await of('number')).toEqual(['int', 'dbl', 'frac']);
  });

  it('$all on a scalar field treats it as a one-element array', async () => {
    const c = coll();
    await c.insertMany([
      { _id: 1, tag: 'a' },
      { _id: 2, tag: ['a', 'b'] },
    ]);
    expect(ids(await c.find({ tag: { $all: ['a'] } }).toArray())).toEqual([1, 2]);
  });

  it('an update with two positional paths applies both to the matched element', async () => {
    const c = coll();
    await c.insertOne({ _id: 1, a: [{ id: 1 }, { id: 2 }] });
    await c.updateOne({ _id: 1, 'a.id': 2 }, { $set: { 'a.$.x': 1, 'a.$.y': 2 } });
    expect((await c.findOne({ _id: 1 }))?.a).toEqual([{ id: 1 }, { id: 2, x: 1, y: 2 }]);
  });

  it('BinData compares by length, then subtype, then bytes; bit operators test its bits', async () => {
    const c = coll();
    await c.insertMany([
      { _id: 'long', v: new Binary(Buffer.from([0, 0, 0])) },
      { _id: 'short', v: new Binary(Buffer.from([255])) },
    ]);
    expect(ids(await c.find({ v: { $gt: new Binary(Buffer.from([1])) } }).toArray())).toEqual([
      'long',
      'short',
    ]);
    expect(ids(await c.find({ v: { $lt: new Binary(Buffer.from([0, 0])) } }).toArray())).toEqual(['short']);
    expect(ids(await c.find({ v: { $bitsAllSet: [0, 7] } }).toArray())).toEqual(['short']);
    expect(ids(await c.find({ v: { $bitsAnySet: new Binary(Buffer.from([3])) } }).toArray())).toEqual([
      'short',
    ]);
    expect(ids(await c.find({ v: { $bitsAllClear: 7 } }).toArray())).toEqual(['long']);
  });

  it('an invalid filter fails even on an empty collection', async () => {
    const c = coll();
    await expect(c.find({ x: { $notAnOperator: 1 } } as never).toArray()).rejects.toMatchObject({ code: 2 });
    await expect(c.find({ $foo: 1 } as never).toArray()).rejects.toMatchObject({ code: 2 });
  });

  it('DBRef-shaped sub-documents in filters are values, not operators', async () => {
    const c = coll();
    const oid = new ObjectId();
    await c.insertMany([
      { _id: 1, owner: new DBRef('users', oid) },
      { _id: 2, owner: new DBRef('users', new ObjectId()) },
    ]);
    expect(ids(await c.find({ owner: new DBRef('users', oid) }).toArray())).toEqual([1]);
    expect(ids(await c.find({ 'owner.$id': oid } as never).toArray())).toEqual([1]);
  });

  it('a hint naming a missing index fails; a valid hint decides the order', async () => {
    const c = coll();
    await c.insertMany([
      { _id: 1, k: 'c' },
      { _id: 2, k: 'a' },
      { _id: 3, k: 'b' },
    ]);
    await c.createIndex({ k: 1 }, { name: 'by_k' });
    await expect(c.find({}, { hint: 'nope' }).toArray()).rejects.toMatchObject({ code: 2 });
    await expect(c.find({}, { hint: { zz: 1 } }).toArray()).rejects.toMatchObject({ code: 2 });
    expect(ids(await c.find({}, { hint: 'by_k' }).toArray())).toEqual([2, 3, 1]);
    expect(ids(await c.find({ _id: { $gte: 1 } }, { hint: { k: 1 } }).toArray())).toEqual([2, 3, 1]);
    expect(ids(await c.aggregate<Row>([{ $match: {} }], { hint: 'by_k' }).toArray())).toEqual([2, 3, 1]);
    expect(await c.countDocuments({}, { hint: 'by_k' })).toBe(3);
  });

  it('stores dollar-prefixed and __proto__/constructor field names as data, polluting no prototype', async () => {
    const c = coll();
    await c.insertOne(JSON.parse('{"_id":1,"__proto__":{"polluted":true},"constructor":5}') as Row);
    await c.updateOne(
      { _id: 1 },
      JSON.parse('{"$set":{"__proto__.x":1,"a.__proto__":2,"v.$price":3}}') as never,
    );
    await c.updateOne({ _id: 2 }, { $setOnInsert: { w: { $amount: 1 } } }, { upsert: true });
    const d = await c.findOne({ _id: 1 });
    expect(Object.keys(d ?? {})).toEqual(['_id', '__proto__', 'constructor', 'a', 'v']);
    expect(JSON.stringify(d)).toBe(
      '{"_id":1,"__proto__":{"polluted":true,"x":1},"constructor":5,"a":{"__proto__":2},"v":{"$price":3}}',
    );
    expect((await c.findOne({ _id: 2 }))?.w).toEqual({ $amount: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    const projected = await c.findOne({ _id: 1 }, { projection: JSON.parse('{"__proto__":1}') as never });
    expect(JSON.stringify(projected)).toBe('{"_id":1,"__proto__":{"polluted":true,"x":1}}');
  });

  it('hashed indexes are created, listed with their type and serve equality', async () => {
    const c = coll();
    await c.insertMany([
      { _id: 1, a: 5 },
      { _id: 2, a: 6 },
    ]);
    await c.createIndex({ a: 'hashed' });
    expect((await c.listIndexes().toArray()).find((i) => i.name === 'a_hashed')?.key).toEqual({
      a: 'hashed',
    });
    expect(ids(await c.find({ a: 6 }, { hint: { a: 'hashed' } }).toArray())).toEqual([2]);
    await expect(c.createIndex({ a: 'bogus' } as never)).rejects.toMatchObject({ code: 67 });
  });

  it('$where is refused as by a mongod without server-side scripting', async () => {
    const c = coll();
    await c.insertOne({ _id: 1 });
    await expect(c.find({ $where: 'true' }).toArray()).rejects.toMatchObject({
      code: 2,
      message: 'no globalScriptEngine in $where parsing',
    });
  });
});
