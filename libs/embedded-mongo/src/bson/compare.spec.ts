import { Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } from 'bson';
import { compareBson, sortDocs } from './compare';
import { keyString, normalize } from './values';

describe('compareBson', () => {
  it('compares numbers of different BSON types by value', () => {
    expect(compareBson(Long.fromNumber(5), 5)).toBe(0);
    expect(compareBson(new Double(5), Long.fromNumber(6))).toBe(-1);
    expect(compareBson(Decimal128.fromString('7.5'), new Int32(7))).toBe(1);
    expect(compareBson(Long.fromString('9007199254740993'), Long.fromString('9007199254740992'))).toBe(1);
    expect(compareBson(NaN, -Infinity)).toBe(-1);
  });

  it('orders types like MongoDB', () => {
    const ordered = [
      new MinKey(),
      null,
      1,
      'a',
      { a: 1 },
      [1],
      new ObjectId(),
      true,
      new Date(0),
      new Timestamp({ t: 1, i: 1 }),
      /x/,
      new MaxKey(),
    ];
    for (let i = 1; i < ordered.length; i++) expect(compareBson(ordered[i - 1], ordered[i])).toBe(-1);
  });

  it('sorts arrays by their smallest element ascending and largest descending', () => {
    const docs = [{ a: [1, 9] }, { a: [5] }, { a: 3 }];
    expect(sortDocs(docs, [['a', 1]], (d) => d).map((d) => d.a)).toEqual([[1, 9], 3, [5]]);
    expect(sortDocs(docs, [['a', -1]], (d) => d).map((d) => d.a)).toEqual([[1, 9], [5], 3]);
  });
});

describe('canonical values', () => {
  it('keeps only the wrappers a plain number cannot reproduce', () => {
    const { value, wrappers } = normalize({
      i: new Int32(1),
      d: new Double(2.5),
      w: new Double(3),
      l: Long.fromNumber(4),
    });
    expect(value.i).toBe(1);
    expect(value.d).toBe(2.5);
    expect(value.w).toBeInstanceOf(Double);
    expect(value.l).toBeInstanceOf(Long);
    expect(wrappers).toBe(true);
  });

  it('gives equal numbers of any type the same key', () => {
    expect(keyString(Long.fromNumber(5))).toBe(keyString(5));
    expect(keyString(new Double(5))).toBe(keyString(5));
    expect(keyString('5')).not.toBe(keyString(5));
    expect(keyString({ a: 1, b: 2 })).not.toBe(keyString({ b: 2, a: 1 }));
  });
});
