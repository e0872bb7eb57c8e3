import { randomUUID } from 'node:crypto';
import { ShopClient } from '../checkout/shop-client';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';

/** Answers that tell a client what was wrong with its request. */
describe('what the API answers to requests it cannot serve', () => {
  let api: ApiUnderTest;
  let clerk: ShopClient;

  beforeAll(async () => {
    api = await startApiUnderTest({ RATE_LIMIT_PER_USER: '100000', RATE_LIMIT_PER_IP: '100000' });
    clerk = await ShopClient.as(api, 'clerk');
  });
  afterAll(() => api.close());

  it('refuses an order naming an unknown product with 422 unknown_product (the order is not what is missing)', async () => {
    const customer = await ShopClient.as(api, 'customer');
    const unknown = randomUUID();
    const placed = await customer.placeOrder([{ productId: unknown, quantity: 1 }]);
    expect(placed.status).toBe(422);
    expect(placed.body).toMatchObject({ code: 'unknown_product', details: { productId: unknown } });
  });

  it.each([
    ['text/plain', '{"sku":"X-1","name":"x","priceCents":1}'],
    ['application/x-www-form-urlencoded', 'sku=X-1&name=x&priceCents=1'],
  ])('answers a %s body with 415', async (contentType, payload) => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/products',
      headers: { authorization: `Bearer ${await api.token('clerk')}`, 'content-type': contentType },
      payload,
    });
    expect(res.statusCode).toBe(415);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('refuses a ?position= beyond the end of the log instead of answering 200', async () => {
    const productId = await clerk.registerProduct(`POS-${randomUUID().slice(0, 8)}`, 100, 0);
    const res = await clerk.request('GET', `/v1/products/${productId}?position=99999999999/99999999999`);
    expect([400, 409]).toContain(res.status);
    expect(res.body).toMatchObject({ code: expect.stringMatching(/position/) });
  });
  it.each([
    ['NUL', 'Widget\u0000'],
    ['BEL', 'Widget\u0007'],
    ['a bidi override', 'Widget \u202Egpj.exe'],
  ])('refuses a product name with %s (400 naming the field), and registers nothing', async (_what, name) => {
    const sku = `CTRL-${randomUUID().slice(0, 8)}`;
    const res = await clerk.request('POST', '/v1/products', { sku, name, priceCents: 100 });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ errors: [expect.objectContaining({ field: 'name' })] });
    const clean = await clerk.request('POST', '/v1/products', { sku, name: 'Widget', priceCents: 100 });
    expect(clean.status).toBe(201);
  });
});
