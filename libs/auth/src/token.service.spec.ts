import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { InvalidTokenError, TokenService } from './token.service';

const settings = { issuer: 'eventshop', audience: 'eventshop-api' };
const SECRET = 'unit-test-secret-unit-test-secret-unit';

describe('TokenService (HS256 shared secret)', () => {
  let tokens: TokenService;
  beforeAll(async () => {
    tokens = await TokenService.create({ ...settings, secret: SECRET });
  });

  it('mints tokens it verifies back into the caller', async () => {
    const token = await tokens.mintToken({ role: 'clerk', sub: 'u-1', ttl: '15m' });
    await expect(tokens.verify(token)).resolves.toEqual({ sub: 'u-1', roles: ['clerk'] });
    const multi = await tokens.mintToken({ role: ['admin', 'auditor'], sub: 'u-2' });
    await expect(tokens.verify(multi)).resolves.toEqual({ sub: 'u-2', roles: ['admin', 'auditor'] });
  });

  const claims = (build: (jwt: SignJWT) => SignJWT) =>
    build(
      new SignJWT({ roles: ['admin'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('eventshop')
        .setAudience('eventshop-api')
        .setSubject('u-1'),
    ).sign(new TextEncoder().encode(SECRET));
  const now = () => Math.floor(Date.now() / 1000);

  it('refuses a token without exp, issued in the future, or living longer than the bound', async () => {
    const refusals = {
      noExp: await claims((jwt) => jwt.setIssuedAt()),
      future: await claims((jwt) => jwt.setIssuedAt(now() + 60).setExpirationTime(now() + 120)),
      tooLong: await claims((jwt) => jwt.setIssuedAt().setExpirationTime('25h')),
    };
    for (const [kind, token] of Object.entries(refusals)) {
      await expect(tokens.verify(token).then(() => kind)).rejects.toBeInstanceOf(InvalidTokenError);
    }
    await expect(
      tokens.verify(await claims((jwt) => jwt.setIssuedAt(now() + 3).setExpirationTime('1h'))),
    ).resolves.toMatchObject({ sub: 'u-1' });
    const bounded = await TokenService.create({ ...settings, secret: SECRET, maxLifetimeSeconds: 600 });
    await expect(
      bounded.verify(await claims((jwt) => jwt.setIssuedAt().setExpirationTime('1h'))),
    ).rejects.toThrow(/longer than 600 s/);
  });

  it('mints only within the bound, and only for spans it understands', async () => {
    await expect(tokens.mintToken({ role: 'admin', sub: 'u-1', ttl: '36500d' })).rejects.toThrow(
      /at most 86400 s/,
    );
    await expect(tokens.mintToken({ role: 'admin', sub: 'u-1', ttl: 'forever' })).rejects.toThrow(/span/);
    await expect(tokens.mintToken({ role: 'admin', sub: '', ttl: '1h' })).rejects.toThrow(/subject/);
    const token = await tokens.mintToken({ role: 'admin', sub: 'u-1', ttl: '1d' });
    await expect(tokens.verify(token)).resolves.toMatchObject({ sub: 'u-1' });
  });

  it('refuses to mint unknown roles', async () => {
    await expect(tokens.mintToken({ role: 'root' as never, sub: 'x' })).rejects.toThrow(/Unknown role/);
  });

  const sign = (claims: Record<string, unknown>, secret = SECRET, alg = 'HS256') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg })
      .setIssuer((claims.iss as string) ?? 'eventshop')
      .setAudience((claims.aud as string) ?? 'eventshop-api')
      .setSubject('u-1')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(secret));

  it.each([
    ['another secret', () => sign({ roles: ['admin'] }, 'another-secret-another-secret-another')],
    ['another issuer', () => sign({ roles: ['admin'], iss: 'someone-else' })],
    ['another audience', () => sign({ roles: ['admin'], aud: 'another-api' })],
    ['an algorithm not allowed', () => sign({ roles: ['admin'] }, SECRET, 'HS512')],
    ['no known role', () => sign({ roles: ['superuser'] })],
    ['garbage', () => Promise.resolve('not.a.jwt')],
  ])('rejects a token with %s', async (_case, make) => {
    await expect(tokens.verify(await make())).rejects.toBeInstanceOf(InvalidTokenError);
  });

  const withSubject = (sub: string) =>
    new SignJWT({ roles: ['customer'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('eventshop')
      .setAudience('eventshop-api')
      .setSubject(sub)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));

  it.each(['auth0|5f7c8ec7c33c6c004bbafe82', 'google-oauth2|1234567890', 'tenant/alice', 'x'.repeat(255)])(
    'accepts the opaque subject %s',
    async (sub) => {
      await expect(tokens.verify(await withSubject(sub))).resolves.toEqual({ sub, roles: ['customer'] });
      await expect(tokens.verify(await tokens.mintToken({ role: 'customer', sub }))).resolves.toMatchObject({
        sub,
      });
    },
  );

  it.each(['x'.repeat(256), 'with space', 'line\nbreak', 'ümlaut'])(
    'refuses the subject %j, when verifying and when minting',
    async (sub) => {
      await expect(tokens.verify(await withSubject(sub))).rejects.toThrow(
        /subject must be 1-255 visible ASCII/,
      );
      await expect(tokens.mintToken({ role: 'customer', sub })).rejects.toThrow(/subject must be/);
    },
  );

  it('says when a token has expired', async () => {
    const expired = await tokens.mintToken({ role: 'admin', sub: 'u', ttl: -60 });
    await expect(tokens.verify(expired)).rejects.toMatchObject({
      expired: true,
      message: 'The token has expired',
    });
  });

  it('accepts a single role claim and ignores unknown roles', async () => {
    await expect(tokens.verify(await sign({ role: 'customer' }))).resolves.toEqual({
      sub: 'u-1',
      roles: ['customer'],
    });
    await expect(tokens.verify(await sign({ roles: ['customer', 'god'] }))).resolves.toEqual({
      sub: 'u-1',
      roles: ['customer'],
    });
  });
});

describe('TokenService (external issuer keys)', () => {
  it('verifies RS256 tokens with a PEM public key, and cannot mint', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const tokens = await TokenService.create({ ...settings, publicKey: await exportSPKI(publicKey) });
    const token = await new SignJWT({ roles: ['auditor'] })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('ext-1')
      .setIssuer('eventshop')
      .setAudience('eventshop-api')
      .setExpirationTime('5m')
      .sign(privateKey);
    await expect(tokens.verify(token)).resolves.toEqual({ sub: 'ext-1', roles: ['auditor'] });
    expect(tokens.canMint).toBe(false);
    await expect(tokens.mintToken({ role: 'admin', sub: 'x' })).rejects.toThrow(/shared secret/);
    // An HS256 token "signed" with the public key (algorithm confusion) is refused.
    const confused = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory')
      .setIssuer('eventshop')
      .setAudience('eventshop-api')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(await exportSPKI(publicKey)));
    await expect(tokens.verify(confused)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('verifies ES256 tokens against a JWK set by kid', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    const tokens = TokenService.fromJwks({ ...settings, algorithms: ['ES256'] }, { keys: [jwk] });
    const token = await new SignJWT({ roles: ['clerk'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject('ext-2')
      .setIssuer('eventshop')
      .setAudience('eventshop-api')
      .setExpirationTime('5m')
      .sign(privateKey);
    await expect(tokens.verify(token)).resolves.toEqual({ sub: 'ext-2', roles: ['clerk'] });
  });
});
