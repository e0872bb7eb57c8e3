import { SortedList } from './sorted-list';

describe('SortedList', () => {
  it('keeps order through many inserts and removes and iterates both ways from bounds', () => {
    const list = new SortedList<number>((a, b) => a - b);
    let seed = 1;
    const values: number[] = [];
    for (let i = 0; i < 5000; i++) {
      seed = (seed * 48271) % 2147483647;
      values.push(seed % 100000);
      list.insert(values[i] as number);
    }
    for (const v of values.slice(0, 1000)) expect(list.remove(v)).toBe(true);
    expect(list.remove(-1)).toBe(false);
    const rest = values.slice(1000).sort((a, b) => a - b);
    expect([...list.ascending()]).toEqual(rest);
    expect([...list.descending()]).toEqual([...rest].reverse());
    const from = [...list.ascending((e) => e - 50000)];
    expect(from).toEqual(rest.filter((v) => v >= 50000));
    const upTo = [...list.descending((e) => (e > 50000 ? 1 : 0))];
    expect(upTo).toEqual(rest.filter((v) => v <= 50000).reverse());
    expect(list.size).toBe(4000);
  });
});
