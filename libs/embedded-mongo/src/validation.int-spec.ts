import { Decimal128, Int32, MongoBulkWriteError, MongoServerError, type Db } from 'mongodb';
import { type Harness, startHarness } from './testing/harness';

type Row = { _id?: number | string; [k: string]: unknown };

const PRODUCT_SCHEMA = {
  bsonType: 'object',
  title: 'product',
  required: ['name', 'price'],
  additionalProperties: false,
  properties: {
    _id: {},
    name: { bsonType: 'string', minLength: 2, maxLength: 20, pattern: '^[A-Z]' },
    price: { bsonType: ['decimal', 'double', 'int'], minimum: 0, exclusiveMinimum: true },
    status: { enum: ['active', 'retired'], description: 'lifecycle' },
    tags: { bsonType: 'array', items: { bsonType: 'string' }, minItems: 1, maxItems: 3, uniqueItems: true },
    dims: {
      bsonType: 'object',
      required: ['w'],
      properties: { w: { type: 'number', maximum: 100 } },
    },
  },
};

/** What the driver surfaces for a failed write: a single-write error, or the first entry of a bulk error. */
const failure = async (p: Promise<unknown>): Promise<{ code: number; errInfo: Record<string, unknown> }> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof MongoBulkWriteError) {
      const first = e.writeErrors instanceof Array ? e.writeErrors[0] : Object.values(e.writeErrors)[0];
      return { code: first?.code as number, errInfo: first?.errInfo as Record<string, unknown> };
    }
    if (e instanceof MongoServerError)
      return {
        code: e.code as number,
        errInfo: (e.errInfo ?? e.errorResponse.errInfo) as Record<string, unknown>,
      };
    throw e;
  }
  throw new Error('the write succeeded');
};

describe('collection validators', () => {
  let h: Harness;
  let db: Db;
  let seq = 0;
  const name = (): string => `v${++seq}`;

  beforeAll(async () => {
    h = await startHarness();
    db = h.client.db('validation');
  });
  afterAll(() => h.close());

  it('$jsonSchema refuses bad documents with code 121 and mongod-shaped errInfo', async () => {
    const c = await db.createCollection<Row>(name(), { validator: { $jsonSchema: PRODUCT_SCHEMA } });
    await c.insertOne({
      _id: 1,
      name: 'Mug',
      price: Decimal128.fromString('9.90'),
      tags: ['a'],
      dims: { w: 5 },
    });

    const missing = await failure(c.insertOne({ _id: 2, name: 'Cup' }));
    expect(missing.code).toBe(121);
    expect(missing.errInfo).toEqual({
      failingDocumentId: 2,
      details: {
        operatorName: '$jsonSchema',
        title: 'product',
        schemaRulesNotSatisfied: [
          {
            operatorName: 'required',
            specifiedAs: { required: ['name', 'price'] },
            missingProperties: ['price'],
          },
        ],
      },
    });

    const typed = await failure(c.insertOne({ _id: 3, name: 7, price: 1 }));
    expect(typed.errInfo.details).toMatchObject({
      schemaRulesNotSatisfied: [
        {
          operatorName: 'properties',
          propertiesNotSatisfied: [
            {
              propertyName: 'name',
              details: [
                {
                  operatorName: 'bsonType',
                  specifiedAs: { bsonType: 'string' },
                  reason: 'type did not match',
                  consideredValue: 7,
                  consideredType: 'int',
                },
              ],
            },
          ],
        },
      ],
    });

    const rules = async (doc: Row): Promise<unknown> =>
      ((await failure(c.insertOne(doc))).errInfo.details as { schemaRulesNotSatisfied: unknown })
        .schemaRulesNotSatisfied;
    expect(await rules({ _id: 4, name: 'Mug', price: 1, extra: true })).toEqual([
      {
        operatorName: 'additionalProperties',
        specifiedAs: { additionalProperties: false },
        additionalProperties: ['extra'],
      },
    ]);
    const reasons = async (doc: Row): Promise<string[]> => {
      const [props] = (await rules(doc)) as [
        { propertiesNotSatisfied: { details: { reason?: string }[] }[] },
      ];
      return props.propertiesNotSatisfied.flatMap((p) => p.details.map((d) => d.reason ?? ''));
    };
    expect(await reasons({ _id: 5, name: 'M', price: 0 })).toEqual([
      'specified string length was not satisfied',
      'comparison failed',
    ]);
    expect(await reasons({ _id: 6, name: 'mug', price: 1, status: 'gone' })).toEqual([
      'regular expression did not match',
      'value was not found in enum',
    ]);
    expect(await reasons({ _id: 7, name: 'Mug', price: 1, tags: ['a', 'a'] })).toEqual([
      'found a duplicate item',
    ]);
    expect(await reasons({ _id: 8, name: 'Mug', price: 1, tags: [] })).toEqual([
      'array did not match specified length',
    ]);
    expect(await reasons({ _id: 9, name: 'Mug', price: 1, tags: ['a', 2] })).toEqual([
      'At least one item did not match the sub-schema',
    ]);
    const [nested] = (await rules({ _id: 10, name: 'Mug', price: 1, dims: { w: 101 } })) as [
      { propertiesNotSatisfied: { propertyName: string; details: unknown[] }[] },
    ];
    expect(nested.propertiesNotSatisfied[0]?.details).toEqual([
      {
        operatorName: 'properties',
        propertiesNotSatisfied: [
          {
            propertyName: 'w',
            details: [
              {
                operatorName: 'maximum',
                specifiedAs: { maximum: 100 },
                reason: 'comparison failed',
                consideredValue: 101,
              },
            ],
          },
        ],
      },
    ]);
    expect(await c.countDocuments()).toBe(1);
  });

  it('query-operator validators report the failing clause; updates, replaces and findAndModify are checked', async () => {
    const c = await db.createCollection<Row>(name(), {
      validator: { qty: { $gte: 0 }, sku: { $type: 'string' } },
    });
    await c.insertOne({ _id: 1, qty: 1, sku: 'a' });
    const upd = await failure(c.updateOne({ _id: 1 }, { $inc: { qty: -5 } } as never));
    expect(upd).toEqual({
      code: 121,
      errInfo: {
        failingDocumentId: 1,
        details: {
          operatorName: '$and',
          clausesNotSatisfied: [
            {
              index: 0,
              details: {
                operatorName: '$gte',
                specifiedAs: { qty: { $gte: 0 } },
                reason: 'comparison failed',
                consideredValue: -4,
              },
            },
          ],
        },
      },
    });
    const rep = await failure(c.replaceOne({ _id: 1 }, { qty: 2, sku: new Int32(3) }));
    expect(rep.errInfo.details).toMatchObject({
      clausesNotSatisfied: [
        { index: 1, details: { operatorName: '$type', reason: 'type did not match', consideredType: 'int' } },
      ],
    });
    const fam = await failure(c.findOneAndUpdate({ _id: 1 }, { $unset: { sku: '' } }));
    expect(fam.errInfo.details).toMatchObject({
      clausesNotSatisfied: [{ index: 1, details: { operatorName: '$type', reason: 'field was missing' } }],
    });
    const ups = await failure(c.updateOne({ _id: 9 }, { $set: { qty: -1, sku: 'z' } }, { upsert: true }));
    expect(ups.errInfo.failingDocumentId).toBe(9);
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, qty: 1, sku: 'a' });
    expect(await c.countDocuments()).toBe(1);
  });

  it('bulk writes report each failing statement; ordered stops, unordered goes on', async () => {
    const c = await db.createCollection<Row>(name(), { validator: { n: { $type: 'int' } } });
    const ordered = await failure(
      c.insertMany([
        { _id: 1, n: 1 },
        { _id: 2, n: 'x' },
        { _id: 3, n: 3 },
      ]),
    );
    expect(ordered.code).toBe(121);
    expect(await c.countDocuments()).toBe(1);
    await expect(
      c.bulkWrite(
        [
          { insertOne: { document: { _id: 4, n: 'y' } } },
          { insertOne: { document: { _id: 5, n: 5 } } },
          { updateOne: { filter: { _id: 1 }, update: { $set: { n: 'z' } } } },
        ],
        { ordered: false },
      ),
    ).rejects.toMatchObject({
      writeErrors: [
        expect.objectContaining({ index: 0, code: 121 }),
        expect.objectContaining({ index: 2, code: 121 }),
      ],
    });
    expect((await c.find().toArray()).map((d) => d._id)).toEqual([1, 5]);
  });

  it('bypassDocumentValidation lets writes through; $out and $merge targets are validated', async () => {
    const c = await db.createCollection<Row>(name(), { validator: { n: { $type: 'int' } } });
    await c.insertOne({ _id: 1, n: 'free' }, { bypassDocumentValidation: true });
    await c.updateOne({ _id: 1 }, { $set: { m: 1 } }, { bypassDocumentValidation: true });
    await c.findOneAndUpdate({ _id: 1 }, { $set: { k: 1 } }, { bypassDocumentValidation: true });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, n: 'free', m: 1, k: 1 });

    const src = db.collection<Row>(name());
    await src.insertMany([
      { _id: 1, n: 1 },
      { _id: 2, n: 'bad' },
    ]);
    const target = await db.createCollection<Row>(name(), { validator: { n: { $type: 'int' } } });
    await target.insertOne({ _id: 'kept', n: 0 });
    await expect(src.aggregate([{ $out: target.collectionName }]).toArray()).rejects.toMatchObject({
      code: 121,
    });
    expect(await target.find().toArray()).toEqual([{ _id: 'kept', n: 0 }]);
    await expect(
      src.aggregate([{ $merge: { into: target.collectionName } }]).toArray(),
    ).rejects.toMatchObject({
      code: 121,
    });
    await src.aggregate([{ $out: target.collectionName }], { bypassDocumentValidation: true }).toArray();
    expect(await target.countDocuments()).toBe(2);
  });

  it('validationLevel moderate spares documents that were already invalid; off and warn let writes through', async () => {
    const c = db.collection<Row>(name());
    await c.insertMany([
      { _id: 'old', n: 'x' },
      { _id: 'good', n: 1 },
    ]);
    await db.command({
      collMod: c.collectionName,
      validator: { n: { $type: 'int' } },
      validationLevel: 'moderate',
    });
    await c.updateOne({ _id: 'old' }, { $set: { other: 1 } });
    expect((await failure(c.updateOne({ _id: 'good' }, { $set: { n: 'y' } }))).code).toBe(121);
    expect((await failure(c.insertOne({ _id: 'new', n: 'z' }))).code).toBe(121);

    await db.command({ collMod: c.collectionName, validationLevel: 'off' });
    await c.insertOne({ _id: 'off', n: 'z' });
    await db.command({ collMod: c.collectionName, validationLevel: 'strict', validationAction: 'warn' });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      await c.insertOne({ _id: 'warned', n: 'z' });
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('Document would fail validation'));
    } finally {
      warn.mockRestore();
    }
    expect(await c.countDocuments()).toBe(4);
    const [info] = await db.listCollections({ name: c.collectionName }).toArray();
    expect((info as { options?: unknown }).options).toMatchObject({
      validator: { n: { $type: 'int' } },
      validationLevel: 'strict',
      validationAction: 'warn',
    });
  });

  it('invalid validators and validation options are refused at create and collMod', async () => {
    await expect(
      db.createCollection(name(), { validator: { $jsonSchema: { bsonType: 'object', nope: 1 } } }),
    ).rejects.toMatchObject({
      code: 9,
      message: 'Unknown $jsonSchema keyword: nope',
    });
    await expect(
      db.createCollection(name(), { validator: { $jsonSchema: { $ref: '#/x' } } }),
    ).rejects.toMatchObject({
      code: 9,
    });
    await expect(
      db.createCollection(name(), { validator: { $jsonSchema: { required: 'a' } } }),
    ).rejects.toMatchObject({
      code: 14,
    });
    await expect(db.createCollection(name(), { validator: { a: { $bogus: 1 } } })).rejects.toMatchObject({
      code: 2,
    });
    await expect(
      db.createCollection(name(), { validator: { $text: { $search: 'x' } } }),
    ).rejects.toMatchObject({
      code: 224,
    });
    await expect(db.createCollection(name(), { validationLevel: 'sometimes' })).rejects.toMatchObject({
      code: 2,
    });
    const c = await db.createCollection(name());
    await expect(db.command({ collMod: c.collectionName, validationAction: 'shout' })).rejects.toMatchObject({
      code: 2,
    });
  });

  it('$jsonSchema also works as a query operator', async () => {
    const c = db.collection<Row>(name());
    await c.insertMany([{ _id: 1, a: 'x' }, { _id: 2, a: 2 }, { _id: 3 }]);
    const ids = async (schema: object): Promise<unknown[]> =>
      (await c.find({ $jsonSchema: schema }).toArray()).map((d) => d._id);
    expect(await ids({ required: ['a'], properties: { a: { bsonType: 'string' } } })).toEqual([1]);
    expect(await ids({ properties: { a: { type: 'number' } } })).toEqual([2, 3]);
    expect(await ids({ not: { required: ['a'] } })).toEqual([3]);
    expect(await ids({ anyOf: [{ required: ['a'] }, { properties: { _id: { minimum: 3 } } }] })).toEqual([
      1, 2, 3,
    ]);
  });

  it('$jsonSchema object, array, number and combining keywords select as JSON Schema says', async () => {
    const c = db.collection<Row>(name());
    await c.insertMany([
      { _id: 1, a: 1 },
      { _id: 2, a: 6, b: [1, 'x'], x_1: 'p' },
      { _id: 3, a: 3, b: [1, 2, 3], c: true, x_2: 5 },
    ]);
    const ids = async (schema: object): Promise<unknown[]> =>
      (await c.find({ $jsonSchema: schema }).toArray()).map((d) => d._id);
    expect(await ids({ minProperties: 3 })).toEqual([2, 3]);
    expect(await ids({ maxProperties: 3 })).toEqual([1]);
    expect(await ids({ dependencies: { c: ['b'], b: { required: ['x_1'] } } })).toEqual([1, 2]);
    expect(await ids({ patternProperties: { '^x_': { bsonType: 'string' } } })).toEqual([1, 2]);
    expect(
      await ids({ properties: { b: { items: [{ bsonType: 'int' }], additionalItems: false } } }),
    ).toEqual([1]);
    expect(await ids({ properties: { b: { minItems: 3 } } })).toEqual([1, 3]);
    expect(await ids({ properties: { a: { multipleOf: 3 } } })).toEqual([2, 3]);
    expect(await ids({ allOf: [{ required: ['b'] }, { properties: { a: { maximum: 5 } } }] })).toEqual([3]);
    expect(await ids({ oneOf: [{ required: ['b'] }, { properties: { a: { minimum: 5 } } }] })).toEqual([3]);
  });
});
