import { Decimal128, Double, Long } from 'bson';
import { applyUpdate, upsertDocument } from './update';

describe('update engine', () => {
  it('applies $setOnInsert only when inserting', () => {
    expect(applyUpdate({ _id: 1 }, { $setOnInsert: { a: 1 }, $set: { b: 2 } }, { isInsert: false })).toEqual({
      _id: 1,
      b: 2,
    });
    expect(upsertDocument({ _id: 7, k: 'x' }, { $setOnInsert: { a: 1 }, $inc: { n: 1 } })).toEqual({
      _id: 7,
      k: 'x',
      a: 1,
      n: 1,
    });
  });

  it('keeps _id when a pipeline update leaves it out, and refuses one that changes it', () => {
    const out = applyUpdate(
      { _id: 1, t: { u: { v: 1 } } },
      [{ $replaceRoot: { newRoot: '$t' } }, { $addFields: { foo: 1 } }],
      { isInsert: false },
    );
    expect(Object.keys(out)).toEqual(['_id', 'u', 'foo']);
    expect(out).toEqual({ _id: 1, u: { v: 1 }, foo: 1 });
    expect(() => applyUpdate({ _id: 1 }, [{ $set: { _id: 2 } }], { isInsert: false })).toThrow(/immutable/);
  });

  it('increments by value across numeric types', () => {
    const out = applyUpdate(
      { _id: 1, l: Long.fromNumber(1), d: new Double(1), m: Decimal128.fromString('1') },
      { $inc: { l: 1, d: 0.5, m: 1 } },
      { isInsert: false },
    );
    expect((out.l as Long).toNumber()).toBe(2);
    expect(out.d).toBe(1.5);
    expect(out.m).toBeInstanceOf(Decimal128);
  });

  it('never mutates the stored document', () => {
    const doc = { _id: 1, a: { b: [1] } };
    applyUpdate(doc, { $push: { 'a.b': 2 }, $set: { 'a.c': 1 } }, { isInsert: false });
    expect(doc).toEqual({ _id: 1, a: { b: [1] } });
  });

  it('rejects conflicting paths and _id changes', () => {
    expect(() =>
      applyUpdate({ _id: 1 }, { $set: { a: 1 }, $unset: { 'a.b': '' } }, { isInsert: false }),
    ).toThrow(/conflict/);
    expect(() => applyUpdate({ _id: 1 }, { _id: 2, a: 1 }, { isInsert: false })).toThrow(/immutable/);
  });
});
