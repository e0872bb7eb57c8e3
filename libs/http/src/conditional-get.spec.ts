import { noneMatchHits } from './conditional-get';

describe('If-None-Match against an ETag', () => {
  it.each([
    ['"3"', '"3"', true],
    ['W/"3"', '"3"', true],
    ['"1", "3"', '"3"', true],
    ['*', '"3"', true],
    ['"4"', '"3"', false],
    ['"1", W/"2"', '"3"', false],
  ])('%s against %s -> %s', (header, etag, hit) => {
    expect(noneMatchHits(header, etag)).toBe(hit);
  });
});
