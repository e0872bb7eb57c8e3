import { Long } from 'bson';
import { applyUpdate } from './update';

const upd = (doc: Record<string, unknown>, u: Record<string, unknown>) =>
  applyUpdate({ _id: 1, ...doc }, u, { isInsert: false });

describe('array update operators', () => {
  it('$push with $each, $position, $sort and $slice', () => {
    expect(upd({}, { $push: { a: 1 } })).toEqual({ _id: 1, a: [1] });
    expect(upd({ a: [1, 2] }, { $push: { a: { $each: [0], $position: 0 } } }).a).toEqual([0, 1, 2]);
    expect(upd({ a: [3, 1] }, { $push: { a: { $each: [2], $sort: 1, $slice: -2 } } }).a).toEqual([2, 3]);
    expect(upd({ a: [{ n: 2 }] }, { $push: { a: { $each: [{ n: 1 }], $sort: { n: 1 } } } }).a).toEqual([
      { n: 1 },
      { n: 2 },
    ]);
    expect(() => upd({ a: 5 }, { $push: { a: 1 } })).toThrow(/must be an array/);
  });

  it('$addToSet compares by BSON value', () => {
    expect(upd({ a: [1] }, { $addToSet: { a: Long.fromNumber(1) } }).a).toEqual([1]);
    expect(upd({ a: [1] }, { $addToSet: { a: { $each: [2, 2, 3] } } }).a).toEqual([1, 2, 3]);
  });

  it('$pull by value and by condition, $pullAll and $pop', () => {
    expect(upd({ a: [1, 2, 3, 2] }, { $pull: { a: 2 } }).a).toEqual([1, 3]);
    expect(upd({ a: [1, 5, 9] }, { $pull: { a: { $gte: 5 } } }).a).toEqual([1]);
    expect(upd({ a: [{ k: 1, v: 1 }, { k: 2 }] }, { $pull: { a: { k: 1 } } }).a).toEqual([{ k: 2 }]);
    expect(upd({ a: [1, 2, 3] }, { $pullAll: { a: [1, 3] } }).a).toEqual([2]);
    expect(upd({ a: [1, 2, 3] }, { $pop: { a: -1 } }).a).toEqual([2, 3]);
    expect(upd({ a: [1, 2, 3] }, { $pop: { a: 1 } }).a).toEqual([1, 2]);
  });
});
