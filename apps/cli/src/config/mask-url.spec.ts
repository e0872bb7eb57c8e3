import { maskUrl } from './mask-url';

describe('maskUrl', () => {
  it.each([
    ['esdb://admin:changeit@es1:2113,es2:2113?tls=true', 'esdb://admin:****@es1:2113,es2:2113?tls=true'],
    [
      'mongodb://shop:s3cr%40t@m1:27017,m2:27017/shop?replicaSet=rs0',
      'mongodb://shop:****@m1:27017,m2:27017/shop?replicaSet=rs0',
    ],
    [
      'mongodb://m1/?authSource=admin&password=hunter2&tlsCertificateKeyFilePassword=x',
      'mongodb://m1/?authSource=admin&password=****&tlsCertificateKeyFilePassword=****',
    ],
    ['esdb://es1:2113?tls=false', 'esdb://es1:2113?tls=false'],
  ])('%s -> %s', (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
  });
});
