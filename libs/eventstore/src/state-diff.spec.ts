import { diffStates } from './state-diff';

describe('diffStates', () => {
  it('lists changed, added and removed leaves by path', () => {
    expect(
      diffStates(
        { a: 1, b: { c: 'x', gone: true }, list: [1, 2], same: { deep: [1] } },
        { a: 2, b: { c: 'x', added: null }, list: [1, 3, 4], same: { deep: [1] } },
      ),
    ).toEqual([
      { path: '/a', before: 1, after: 2 },
      { path: '/b/gone', before: true },
      { path: '/b/added', after: null },
      { path: '/list/1', before: 2, after: 3 },
      { path: '/list/2', after: 4 },
    ]);
  });

  it('reports a type change as one replaced value and escapes keys like JSON pointers', () => {
    expect(diffStates({ 'a/b': [1] }, { 'a/b': { 0: 1 } })).toEqual([
      { path: '/a~1b', before: [1], after: { 0: 1 } },
    ]);
    expect(diffStates(1, 1)).toEqual([]);
    expect(diffStates(null, { a: 1 })).toEqual([{ path: '', before: null, after: { a: 1 } }]);
  });
});
