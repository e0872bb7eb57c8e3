import { SignJWT } from 'jose';
import { type ApiUnderTest, concreteUrl, type RouteInfo, startApiUnderTest } from '../testing/api-under-test';

/**
 * Routes reachable without a JWT. Adding a route here is a security decision: the test below fails for
 * any other route that answers without a valid token, so a new route cannot forget the guard.
 */
const PUBLIC_ROUTES = ['/health/live', '/health/ready', '/metrics'];
/** Swagger UI and the OpenAPI document (served by @nestjs/swagger, documentation only). */
const isPublic = (url: string): boolean =>
  PUBLIC_ROUTES.includes(url) || /^\/docs(\/|-json|-yaml|$)/.test(url);

describe('authentication and authorisation (real app)', () => {
  let api: ApiUnderTest;
  let guarded: RouteInfo[];

  beforeAll(async () => {
    api = await startApiUnderTest({ RATE_LIMIT_PER_USER: '1000', RATE_LIMIT_PER_IP: '100000' });
    guarded = api.routes.filter((r) => !isPublic(r.url) && r.method !== 'OPTIONS');
  });

  afterAll(() => api.close());

  it('enumerates the application routes', () => {
    const urls = api.routes.map((r) => `${r.method} ${r.url}`);
    expect(urls).toEqual(
      expect.arrayContaining([
        'POST /v1/orders',
        'GET /v1/orders/:id',
        'POST /v1/products',
        'GET /health/ready',
      ]),
    );
    expect(guarded.length).toBeGreaterThan(15);
  });

  it('answers only the declared public routes without a token', async () => {
    const open: string[] = [];
    for (const route of api.routes.filter((r) => r.method === 'GET' && !r.url.startsWith('/docs'))) {
      const res = await api.app.inject({ method: 'GET', url: concreteUrl(route.url) });
      if (res.statusCode !== 401) open.push(route.url);
    }
    expect(open.sort()).toEqual([...PUBLIC_ROUTES].sort());
  });

  it('401 with WWW-Authenticate and a problem on every guarded route without a token', async () => {
    for (const route of guarded) {
      const res = await api.app.inject({ method: route.method as 'GET', url: concreteUrl(route.url) });
      expect({ route, status: res.statusCode }).toEqual({ route, status: 401 });
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="eventshop"/);
      if (route.method !== 'HEAD') {
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json()).toMatchObject({ status: 401, code: 'unauthorized', title: 'Unauthorized' });
      }
    }
  });

  it('401 invalid_token on every guarded route for forged, malformed, unsigned and expired tokens', async () => {
    const forged = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory')
      .setIssuer('eventshop')
      .setAudience('eventshop-api')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-secret-not-the-secret-not-the-secret'));
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ sub: 'mallory', roles: ['admin'], iss: 'eventshop', aud: 'eventshop-api' }),
    ).toString('base64url')}.`;
    const expired = await api.tokens.mintToken({ role: 'admin', sub: 'alice', ttl: -60 });
    const bad = { forged, unsigned, expired, malformed: 'abc.def.ghi' };
    for (const route of guarded) {
      for (const [kind, token] of Object.entries(bad)) {
        const res = await api.app.inject({
          method: route.method as 'GET',
          url: concreteUrl(route.url),
          headers: { authorization: `Bearer ${token}` },
        });
        expect({ route, kind, status: res.statusCode }).toEqual({ route, kind, status: 401 });
        expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
      }
    }
    const res = await api.app.inject({
      url: '/v1/products',
      headers: { authorization: `Bearer ${expired}` },
    });
    expect(res.json()).toMatchObject({ detail: 'The token has expired' });
  });

  it.each([
    ['POST', '/v1/products', ['customer', 'auditor']],
    ['POST', '/v1/products/:id/stock', ['customer', 'auditor']],
    ['POST', '/v1/orders', ['auditor']],
    ['POST', '/v1/orders/:id/ship', ['customer', 'auditor']],
    ['POST', '/v1/orders/:id/cancel', ['auditor']],
    ['GET', '/v1/admin/streams', ['customer', 'clerk']],
    ['GET', '/v1/admin/projections', ['customer', 'clerk']],
    ['POST', '/v1/admin/projections/:name/rebuild', ['customer', 'clerk', 'auditor']],
  ] as const)('%s %s is 403 for %j', async (method, url, forbidden) => {
    for (const role of forbidden) {
      const res = await api.app.inject({
        method,
        url: concreteUrl(url),
        headers: { authorization: `Bearer ${await api.token(role)}` },
        ...(method === 'POST' ? { payload: {} } : {}),
      });
      expect({ role, status: res.statusCode }).toEqual({ role, status: 403 });
      expect(res.json()).toMatchObject({ status: 403, code: 'forbidden' });
    }
  });

  it('lets the right roles through', async () => {
    for (const role of ['admin', 'auditor'] as const) {
      const res = await api.app.inject({
        url: '/v1/admin/projections',
        headers: { authorization: `Bearer ${await api.token(role)}` },
      });
      expect({ role, status: res.statusCode }).toEqual({ role, status: 200 });
    }
  });

  it("a customer sees only their own orders (another customer's order is a 404, like a missing one)", async () => {
    const admin = { authorization: `Bearer ${await api.token('admin')}` };
    const product = await api.app.inject({
      method: 'POST',
      url: '/v1/products',
      headers: admin,
      payload: { sku: 'SEC-MUG', name: 'Mug', priceCents: 500 },
    });
    expect(product.statusCode).toBe(201);
    const productId = product.json<{ id: string }>().id;
    const stock = await api.app.inject({
      method: 'POST',
      url: `/v1/products/${productId}/stock`,
      headers: admin,
      payload: { quantity: 5 },
    });
    expect(stock.statusCode).toBeLessThan(300);

    const alice = '11111111-1111-4111-8111-111111111111';
    const bob = '22222222-2222-4222-8222-222222222222';
    const asAlice = { authorization: `Bearer ${await api.token('customer', alice)}` };
    const asBob = { authorization: `Bearer ${await api.token('customer', bob)}` };
    const placed = await api.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: asAlice,
      payload: { lines: [{ productId, quantity: 1 }] },
    });
    expect(placed.statusCode).toBe(201);
    const { id: orderId, position } = placed.json<{ id: string; position: string }>();

    const own = await api.app.inject({ url: `/v1/orders/${orderId}?position=${position}`, headers: asAlice });
    expect(own.statusCode).toBe(200);
    const other = await api.app.inject({ url: `/v1/orders/${orderId}?position=${position}`, headers: asBob });
    const missingId = '33333333-3333-4333-8333-333333333333';
    const missing = await api.app.inject({ url: `/v1/orders/${missingId}`, headers: asBob });
    expect(other.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(other.json()).toMatchObject({ code: 'order_not_found' });
    const detail = (res: { json(): unknown }) => (res.json() as { detail: string }).detail;
    expect(detail(other)).toBe(detail(missing).replace(missingId, orderId));
    const list = await api.app.inject({ url: `/v1/customers/${alice}/orders`, headers: asBob });
    expect(list.statusCode).toBe(403);
    const cancel = await api.app.inject({
      method: 'POST',
      url: `/v1/orders/${orderId}/cancel`,
      headers: asBob,
      payload: { reason: 'not mine' },
    });
    expect(cancel.statusCode).toBe(404);
  });
});
