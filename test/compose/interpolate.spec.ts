import { interpolate, interpolateDocument, InterpolationError } from './interpolate';

describe('compose interpolation', () => {
  const env = { SET: 'value', EMPTY: '', OTHER: 'other' };

  it.each([
    ['plain text', 'plain text'],
    ['$SET and ${SET}', 'value and value'],
    ['${UNSET}|$UNSET', '|'],
    ['$$SET costs $$5', '$SET costs $5'],
    ['${UNSET:-fallback} ${EMPTY:-fallback} ${SET:-fallback}', 'fallback fallback value'],
    ['${UNSET-fallback} [${EMPTY-fallback}]', 'fallback []'],
    ['${SET:+yes}|${EMPTY:+yes}|${EMPTY+yes}|${UNSET+yes}', 'yes||yes|'],
    ['${UNSET:-${OTHER}}', 'other'],
    ['${UNSET:-${ALSO_UNSET:-deep}}!', 'deep!'],
    ['${UNSET:-}', ''],
    ['${EMPTY?required}', ''],
    ['a $ alone, $1', 'a $ alone, $1'],
  ])('%j -> %j', (text, expected) => {
    expect(interpolate(text, env)).toBe(expected);
  });

  it.each([
    ['${UNSET:?set UNSET please}', /UNSET.*set UNSET please/],
    ['${EMPTY:?}', /EMPTY/],
    ['${UNSET?}', /UNSET/],
    ['${UNSET:-${MISSING:?inner}}', /MISSING.*inner/],
  ])('%j fails like compose', (text, message) => {
    expect(() => interpolate(text, env)).toThrow(InterpolationError);
    expect(() => interpolate(text, env)).toThrow(message);
  });

  it.each(['${', '${SET', '${1X}', '${SET:x}', '${SET:-open'])('%j is a format error', (text) => {
    expect(() => interpolate(text, env)).toThrow(InterpolationError);
  });

  it('interpolates every string value of a document, not keys or other scalars', () => {
    const doc = { $SET: ['${SET}', 3, true, null], nested: { key: '${UNSET:-d}' } };
    expect(interpolateDocument(doc, env)).toEqual({ $SET: ['value', 3, true, null], nested: { key: 'd' } });
  });
});
