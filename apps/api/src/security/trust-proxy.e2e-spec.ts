import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';

describe('behind a load balancer (TRUST_PROXY)', () => {
  let api: ApiUnderTest;
  let bearer: string;

  beforeAll(async () => {
    api = await startApiUnderTest({
      TRUST_PROXY: '10.0.0.0/8',
      RATE_LIMIT_PER_IP: '2',
      RATE_LIMIT_PER_USER: '100000',
    });
    bearer = `Bearer ${await api.token('clerk')}`;
  });
  afterAll(() => api.close());

  const get = (peer: string, forwardedFor: string) =>
    api.app
      .inject({
        url: '/v1/products',
        remoteAddress: peer,
        headers: { authorization: bearer, 'x-forwarded-for': forwardedFor },
      })
      .then((res) => res.statusCode);

  it('through a trusted proxy, every client has its own per-IP budget', async () => {
    const proxy = '10.0.0.5';
    expect([await get(proxy, '203.0.113.1'), await get(proxy, '203.0.113.1')]).toEqual([200, 200]);
    // Another client behind the same proxy is not limited by the first one's requests.
    expect([await get(proxy, '203.0.113.2'), await get(proxy, '203.0.113.2')]).toEqual([200, 200]);
    expect(await get(proxy, '203.0.113.1')).toBe(429);
  });

  it('from an untrusted peer, a forged X-Forwarded-For buys no extra budget', async () => {
    const peer = '198.51.100.9';
    const statuses = [];
    for (const forged of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) statuses.push(await get(peer, forged));
    expect(statuses).toEqual([200, 200, 429]);
  });
});
