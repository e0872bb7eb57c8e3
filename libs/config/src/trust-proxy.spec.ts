import { parseTrustProxy } from './trust-proxy';

describe('parseTrustProxy', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['false', false],
    ['true', true],
    ['0', 0],
    ['2', 2],
    ['10.0.0.0/8', ['10.0.0.0/8']],
    ['loopback, 10.1.2.3,fd00::/8', ['loopback', '10.1.2.3', 'fd00::/8']],
  ])('%j -> %j', (raw, expected) => {
    expect(parseTrustProxy(raw)).toEqual(expected);
  });

  it.each([
    'yes please',
    '10.0.0.0/33',
    '::1/129',
    '10.0.0.1/8/9',
    'proxy.internal',
    '1e3',
    '101',
    '10.0.0.0/x',
  ])('rejects %j', (raw) => {
    expect(parseTrustProxy(raw)).toBeUndefined();
  });
});
