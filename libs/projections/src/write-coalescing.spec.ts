import { type AnyBulkWriteOperation, type Document } from 'mongodb';
import { coalesceWrites, constrainedFields } from './write-coalescing';

type Op = AnyBulkWriteOperation<{ _id: string } & Document>;
const upsert = (id: string, update: Document): Op => ({
  updateOne: { filter: { _id: id }, update, upsert: true },
});
const none = new Set<string>();

describe('coalesceWrites', () => {
  it('folds the updates of one document into its first upsert', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const ops = [
      upsert('a', { $set: { sku: 'A', revision: 0 }, $setOnInsert: { onHand: 0 } }),
      upsert('a', { $inc: { reserved: 1, available: -1 }, $set: { revision: 1, updatedAt: at } }),
      upsert('a', { $inc: { reserved: -1, available: 1 }, $set: { revision: 2 } }),
    ];
    expect(coalesceWrites(ops, none)).toEqual([
      upsert('a', {
        $set: { sku: 'A', revision: 2, updatedAt: at },
        $inc: { reserved: 0, available: 0 },
        $setOnInsert: { onHand: 0 },
      }),
    ]);
  });

  it('keeps documents apart and in the order of their first operation', () => {
    const ops = [
      upsert('a', { $inc: { n: 1 } }),
      upsert('b', { $inc: { n: 2 } }),
      upsert('a', { $inc: { n: 3 } }),
    ];
    expect(coalesceWrites(ops, none)).toEqual([
      upsert('a', { $inc: { n: 4 } }),
      upsert('b', { $inc: { n: 2 } }),
    ]);
  });

  it('drops the later $setOnInsert: the document exists by then', () => {
    const ops = [
      upsert('a', { $inc: { n: 1 } }),
      upsert('a', { $inc: { n: 1 }, $setOnInsert: { created: 1 } }),
    ];
    expect(coalesceWrites(ops, none)).toEqual([upsert('a', { $inc: { n: 2 } })]);
  });

  it.each<[string, Document, Document]>([
    ['$inc after $setOnInsert of the same field', { $setOnInsert: { n: 0 } }, { $inc: { n: 1 } }],
    ['$inc after $set of the same field', { $set: { n: 0 } }, { $inc: { n: 1 } }],
    ['$set after $inc of the same field', { $inc: { n: 1 } }, { $set: { n: 0 } }],
    ['$set of an object twice', { $set: { o: { x: 1 } } }, { $set: { o: { y: 1 } } }],
    ['$inc by a fraction', { $inc: { n: 0.1 } }, { $inc: { n: 0.2 } }],
    ['another operator', { $inc: { n: 1 } }, { $push: { list: 1 } }],
    ['a dotted path', { $inc: { n: 1 } }, { $set: { 'o.x': 1 } }],
    ['a pipeline', { $inc: { n: 1 } }, [{ $set: { n: 0 } }]],
    ['an update that conflicts with itself', { $inc: { n: 1 } }, { $set: { m: 1 }, $inc: { m: 1 } }],
    ['an empty operator', { $inc: { n: 1 } }, { $set: {} }],
    ['a later $setOnInsert of a field the first one touches', { $inc: { n: 1 } }, { $setOnInsert: { n: 0 } }],
  ])('does not fold %s', (_, first, second) => {
    const ops = [upsert('a', first), upsert('a', second)];
    expect(coalesceWrites(ops, none)).toEqual(ops);
  });

  it('does not fold into an update that may not have created the document', () => {
    const ops: Op[] = [
      { updateOne: { filter: { _id: 'a' }, update: { $inc: { n: 1 } } } },
      upsert('a', { $inc: { n: 1 } }),
    ];
    expect(coalesceWrites(ops, none)).toEqual(ops);
  });

  it('moves no change of a uniquely indexed field ahead of other documents', () => {
    const ops = [
      upsert('a', { $set: { sku: 'A' } }),
      upsert('b', { $set: { sku: 'B' } }),
      upsert('a', { $set: { sku: 'B' } }),
    ];
    expect(coalesceWrites(ops, new Set(['sku']))).toEqual(ops);
  });

  it('folds nothing across an operation that may touch any document', () => {
    const ops: Op[] = [
      upsert('a', { $inc: { n: 1 } }),
      { updateMany: { filter: { n: { $gt: 0 } }, update: { $set: { m: 1 } } } },
      upsert('a', { $inc: { n: 1 } }),
    ];
    expect(coalesceWrites(ops, none)).toEqual(ops);
  });

  it('folds later updates into the latest operation of the document only', () => {
    const ops: Op[] = [
      upsert('a', { $inc: { n: 1 } }),
      { deleteOne: { filter: { _id: 'a' } } },
      upsert('a', { $inc: { n: 1 } }),
      upsert('a', { $inc: { n: 1 } }),
    ];
    expect(coalesceWrites(ops, none)).toEqual([ops[0], ops[1], upsert('a', { $inc: { n: 2 } })]);
  });

  it('leaves a field named __proto__ alone (assignment would change a prototype, not set a field)', () => {
    const ops = [
      upsert('a', JSON.parse('{"$set":{"__proto__":{"k":1}}}') as Document),
      upsert('a', { $set: { k: 2 } }),
      upsert('a', { $set: { x: 1 } }),
      upsert('a', JSON.parse('{"$set":{"__proto__":5}}') as Document),
    ];
    expect(coalesceWrites(ops, none)).toEqual([ops[0], upsert('a', { $set: { k: 2, x: 1 } }), ops[3]]);
  });

  it('does not change the operations it was given', () => {
    const ops = [upsert('a', { $inc: { n: 1 } }), upsert('a', { $inc: { n: 1 } })];
    const copy = structuredClone(ops);
    coalesceWrites(ops, none);
    expect(ops).toEqual(copy);
  });
});

describe('constrainedFields', () => {
  it('lists the top-level fields of unique keys and of their partial filters', () => {
    expect(
      constrainedFields([
        { key: { sku: 1 }, unique: true },
        {
          key: { 'address.zip': 1, tenant: 1 },
          unique: true,
          partialFilterExpression: { status: { $eq: 'a' } },
        },
        { key: { name: 1 } },
      ]),
    ).toEqual(new Set(['sku', 'address', 'tenant', 'status']));
  });
});
