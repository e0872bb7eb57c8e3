import Fastify from 'fastify';
import { fastifyServerOptions } from './configure-http';

/** The address Fastify attributes a request to, as rate limits and logs see it, under TRUST_PROXY. */
async function clientIp(trustProxy: string | undefined, peer: string, forwardedFor?: string) {
  const app = Fastify(
    fastifyServerOptions({ BODY_LIMIT_BYTES: 1_024, REQUEST_TIMEOUT_MS: 1_000, TRUST_PROXY: trustProxy }),
  );
  app.get('/', (request) => ({ ip: request.ip, protocol: request.protocol }));
  try {
    const res = await app.inject({
      url: '/',
      remoteAddress: peer,
      headers: forwardedFor ? { 'x-forwarded-for': forwardedFor, 'x-forwarded-proto': 'https' } : {},
    });
    return res.json<{ ip: string; protocol: string }>();
  } finally {
    await app.close();
  }
}

describe('TRUST_PROXY', () => {
  it('unset: X-Forwarded-For is not believed, from anyone', async () => {
    expect(await clientIp(undefined, '10.0.0.5', '203.0.113.7')).toEqual({
      ip: '10.0.0.5',
      protocol: 'http',
    });
  });

  it('CIDRs: believed from a trusted proxy, ignored from an untrusted peer', async () => {
    expect(await clientIp('10.0.0.0/8', '10.0.0.5', '203.0.113.7')).toEqual({
      ip: '203.0.113.7',
      protocol: 'https',
    });
    expect(await clientIp('10.0.0.0/8', '198.51.100.9', '203.0.113.7')).toEqual({
      ip: '198.51.100.9',
      protocol: 'http',
    });
  });

  it('a list: a client spoofing the header behind a trusted proxy gets only its own address', async () => {
    // The proxy appends the address it saw; what the client wrote before it is not trusted.
    expect((await clientIp('loopback, 10.0.0.5', '10.0.0.5', '1.1.1.1, 203.0.113.7')).ip).toBe('203.0.113.7');
  });

  it('a hop count: trusts that many proxies in front of the app, no more', async () => {
    expect((await clientIp('1', '10.0.0.5', '1.1.1.1, 203.0.113.7')).ip).toBe('203.0.113.7');
    expect((await clientIp('2', '10.0.0.5', '1.1.1.1, 203.0.113.7')).ip).toBe('1.1.1.1');
  });

  it('true: every peer is a proxy (only behind one that overwrites the header)', async () => {
    expect((await clientIp('true', '198.51.100.9', '203.0.113.7')).ip).toBe('203.0.113.7');
  });
});
