import { randomUUID } from 'node:crypto';
import { ShopClient } from '../checkout/shop-client';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';

describe('customers identified by opaque token subjects', () => {
  let api: ApiUnderTest;
  let clerk: ShopClient;
  let productId: string;

  beforeAll(async () => {
    api = await startApiUnderTest({ RATE_LIMIT_PER_USER: '100000', RATE_LIMIT_PER_IP: '100000' });
    clerk = await ShopClient.as(api, 'clerk');
    productId = await clerk.registerProduct(`SUB-${randomUUID().slice(0, 8)}`, 100, 100);
  });
  afterAll(() => api.close());

  const ordersOf = (client: ShopClient, customerId: string, position?: string) =>
    client.request(
      'GET',
      `/v1/customers/${encodeURIComponent(customerId)}/orders${position ? `?position=${position}` : ''}`,
    );

  it.each([
    `auth0|${randomUUID().replace(/-/g, '').slice(0, 24)}`,
    `google-oauth2|${Date.now()}`,
    `tenant/${randomUUID().slice(0, 8)}`,
  ])('lets the customer %s order, list and read their orders', async (sub) => {
    const customer = await ShopClient.as(api, 'customer', sub);
    const placed = await customer.placeOrder([{ productId, quantity: 1 }]);
    expect(placed.status).toBe(201);
    const listed = await ordersOf(customer, sub, placed.body.position as string);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: placed.body.id, customerId: sub })]);
    const read = await customer.request('GET', `/v1/orders/${placed.body.id as string}`);
    expect(read.status).toBe(200);
    // Another customer still cannot list them.
    const stranger = await ShopClient.as(api, 'customer', `auth0|${randomUUID()}`);
    expect((await ordersOf(stranger, sub)).status).toBe(403);
  });

  it('lets a clerk order on behalf of an opaque customer id, which that customer then sees', async () => {
    const sub = `auth0|${randomUUID()}`;
    const placed = await clerk.request('POST', '/v1/orders', {
      lines: [{ productId, quantity: 1 }],
      customerId: sub,
    });
    expect(placed.status).toBe(201);
    const customer = await ShopClient.as(api, 'customer', sub);
    const listed = await ordersOf(customer, sub, placed.body.position as string);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: placed.body.id })]);
  });

  it('bounds customer ids: length and characters (400), in the path and in the body', async () => {
    const tooLong = await ordersOf(clerk, 'x'.repeat(256));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toMatchObject({ code: 'invalid_customer_id' });
    expect((await ordersOf(clerk, 'has space')).status).toBe(400);
    const badBody = await clerk.request('POST', '/v1/orders', {
      lines: [{ productId, quantity: 1 }],
      customerId: 'no spaces allowed',
    });
    expect(badBody.status).toBe(400);
    expect(badBody.body.errors).toEqual([expect.objectContaining({ field: 'customerId' })]);
  });

  it("refuses a customer's order naming another customer instead of re-owning it", async () => {
    const sub = `auth0|${randomUUID()}`;
    const customer = await ShopClient.as(api, 'customer', sub);
    const forOther = await customer.request('POST', '/v1/orders', {
      lines: [{ productId, quantity: 1 }],
      customerId: `auth0|${randomUUID()}`,
    });
    expect(forOther.status).toBe(403);
    const forSelf = await customer.request('POST', '/v1/orders', {
      lines: [{ productId, quantity: 1 }],
      customerId: sub,
    });
    expect(forSelf.status).toBe(201);
    const listed = await ordersOf(customer, sub, forSelf.body.position as string);
    expect(listed.body.items).toHaveLength(1);
  });
});
