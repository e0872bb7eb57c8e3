import { usable } from './secure-stack';

describe('reusing servers published on a DATA_DIR', () => {
  const plain = 'esdb://127.0.0.1:2113?tls=false';
  const secure = 'esdb://admin:changeit@localhost:2113?tls=true&tlsCAFile=%2Fd%2Ftls%2Fca.crt';

  it('never lets a secure process fall back to plain servers', () => {
    expect(usable(plain, true)).toBe(false);
    expect(usable(secure, true)).toBe(true);
    expect(usable('mongodb://127.0.0.1:27017/?replicaSet=rs0', true)).toBe(false);
  });

  it('lets any other process use what is published, secure URLs included', () => {
    expect(usable(plain, false)).toBe(true);
    expect(usable(secure, false)).toBe(true);
  });
});
