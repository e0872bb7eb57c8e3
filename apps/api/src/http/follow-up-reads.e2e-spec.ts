import { randomUUID } from 'node:crypto';
import { ShopClient } from '../checkout/shop-client';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';

/** What a client may do with the headers a response gave it: follow Location, revalidate with ETags. */
describe('follow-up reads: Location, Retry-After and conditional requests', () => {
  let api: ApiUnderTest;
  let clerk: ShopClient;

  beforeAll(async () => {
    api = await startApiUnderTest({ RATE_LIMIT_PER_USER: '100000', RATE_LIMIT_PER_IP: '100000' });
    clerk = await ShopClient.as(api, 'clerk');
  });
  afterAll(() => api.close());

  it('answers a Location followed at once after 201 (product, order) instead of 404', async () => {
    const registered = await clerk.request('POST', '/v1/products', {
      sku: `LOC-${randomUUID().slice(0, 8)}`,
      name: 'Followed at once',
      priceCents: 100,
    });
    expect(registered.status).toBe(201);
    const product = await clerk.request('GET', registered.headers.location as string);
    expect(product.status).toBe(200);
    expect(product.body).toMatchObject({ id: registered.body.id, name: 'Followed at once' });

    const customer = await ShopClient.as(api, 'customer');
    const placed = await customer.placeOrder([{ productId: registered.body.id as string, quantity: 1 }]);
    expect(placed.status).toBe(201);
    const order = await customer.request('GET', placed.headers.location as string);
    expect(order.status).toBe(200);
    expect(order.body).toMatchObject({ id: placed.body.id });
  });

  it('answers a report Location at once with pending after 202, which carries Retry-After', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const requested = await clerk.request('POST', '/v1/reports/sales', { from: today, to: tomorrow });
    expect(requested).toMatchObject({ status: 202 });
    expect(Number(requested.headers['retry-after'])).toBeGreaterThan(0);
    const report = await clerk.request('GET', requested.headers.location as string);
    expect(report.status).toBe(200);
    expect(['pending', 'ready']).toContain(report.body.status);
  });

  it('answers If-None-Match with the current ETag with 304 and the ETag, and a stale one with 200', async () => {
    const productId = await clerk.registerProduct(`ETAG-${randomUUID().slice(0, 8)}`, 250, 0);
    const received = await clerk.request('POST', `/v1/products/${productId}/stock`, { quantity: 3 });
    // Read at the write's position: the view is eventually consistent, and the test must not race it.
    const fresh = await clerk.request(
      'GET',
      `/v1/products/${productId}?position=${received.body.position as string}`,
    );
    const etag = fresh.headers.etag as string;
    expect(etag).toBe(`"${fresh.body.revision as string}"`);

    const unchanged = await api.app.inject({
      method: 'GET',
      url: `/v1/products/${productId}`,
      headers: { authorization: `Bearer ${await api.token('clerk')}`, 'if-none-match': `"7", ${etag}` },
    });
    expect(unchanged.statusCode).toBe(304);
    expect(unchanged.headers.etag).toBe(etag);
    expect(unchanged.body).toBe('');

    const stale = await clerk.request('GET', `/v1/products/${productId}`, undefined, {
      'if-none-match': 'W/"999"',
    });
    expect(stale.status).toBe(200);
    expect(stale.body).toMatchObject({ id: productId });
  });

  it('accepts If-Match: * on commands (the aggregate must exist, any revision)', async () => {
    const productId = await clerk.registerProduct(`STAR-${randomUUID().slice(0, 8)}`, 250, 0);
    const received = await clerk.request(
      'POST',
      `/v1/products/${productId}/stock`,
      { quantity: 2 },
      { 'if-match': '*' },
    );
    expect(received.status).toBe(200);

    const customer = await ShopClient.as(api, 'customer');
    const placed = await customer.placeOrder([{ productId, quantity: 1 }]);
    const cancelled = await customer.request(
      'POST',
      `/v1/orders/${placed.body.id as string}/cancel`,
      { reason: 'changed my mind' },
      { 'if-match': '*' },
    );
    expect(cancelled.status).toBe(200);

    const missing = await clerk.request(
      'POST',
      `/v1/products/${randomUUID()}/stock`,
      { quantity: 1 },
      { 'if-match': '*' },
    );
    expect(missing.status).toBe(404);
  });
});
