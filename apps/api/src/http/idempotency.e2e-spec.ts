import { EventStoreDBClient } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import { ShopClient } from '../checkout/shop-client';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';

describe('Idempotency-Key over HTTP', () => {
  let api: ApiUnderTest;
  let clerk: ShopClient;

  beforeAll(async () => {
    api = await startApiUnderTest({ RATE_LIMIT_PER_USER: '100000', RATE_LIMIT_PER_IP: '100000' });
    clerk = await ShopClient.as(api, 'clerk');
  });
  afterAll(() => api.close());

  const eventsOf = async (stream: string, type: string) => {
    const found = [];
    for await (const e of api.app.get(EventStoreDBClient).readStream(stream))
      if (e.event?.type === type) found.push(e.event);
    return found;
  };
  const onHand = async (productId: string, position: unknown) =>
    (await clerk.request('GET', `/v1/products/${productId}?position=${String(position)}`)).body.onHand;

  it('replays the same request with Idempotent-Replayed and refuses the key with another body (422)', async () => {
    const a = await clerk.registerProduct(`IDEM-A-${randomUUID().slice(0, 8)}`, 100, 10);
    const b = await clerk.registerProduct(`IDEM-B-${randomUUID().slice(0, 8)}`, 100, 10);
    const customer = await ShopClient.as(api, 'customer');
    const key = `order-${randomUUID()}`;

    const first = await customer.placeOrder([{ productId: a, quantity: 1 }], key);
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    const retry = await customer.placeOrder([{ productId: a, quantity: 1 }], key);
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.location).toBe(first.headers.location);

    const other = await customer.placeOrder([{ productId: b, quantity: 2 }], key);
    expect(other.status).toBe(422);
    expect(other.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(other.body).toMatchObject({ status: 422, code: 'idempotency_key_reused' });

    const placed = await eventsOf(`order-${first.body.id as string}`, 'OrderPlaced');
    expect(placed).toHaveLength(1);
    expect(placed[0]?.data).toMatchObject({
      lines: [expect.objectContaining({ productId: a, quantity: 1 })],
    });
  });

  it('refuses a key reused for another command on the same resource (another path)', async () => {
    const productId = await clerk.registerProduct(`IDEM-P-${randomUUID().slice(0, 8)}`, 100, 10);
    const customer = await ShopClient.as(api, 'customer');
    const key = `k-${randomUUID()}`;
    const placed = await customer.placeOrder([{ productId, quantity: 1 }], key);
    const orderId = placed.body.id as string;
    const cancel = await customer.request(
      'POST',
      `/v1/orders/${orderId}/cancel`,
      { reason: 'changed my mind' },
      { 'idempotency-key': key },
    );
    // The order stream already holds this caller's key for POST /v1/orders.
    expect(cancel.status).toBe(422);
    expect(cancel.body).toMatchObject({ code: 'idempotency_key_reused' });
  });

  it('scopes keys per caller: a second clerk reusing the first clerk’s key gets its own stock receipt', async () => {
    const productId = await clerk.registerProduct(`IDEM-C-${randomUUID().slice(0, 8)}`, 100, 0);
    const other = await ShopClient.as(api, 'clerk');
    const key = `receipt-${randomUUID()}`;
    const stock = (client: ShopClient) =>
      client.request('POST', `/v1/products/${productId}/stock`, { quantity: 20 }, { 'idempotency-key': key });

    const byFirst = await stock(clerk);
    const retried = await stock(clerk);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.body).toEqual(byFirst.body);

    const bySecond = await stock(other);
    expect(bySecond.status).toBe(200);
    expect(bySecond.headers['idempotent-replayed']).toBeUndefined();
    expect(bySecond.body.revision).not.toBe(byFirst.body.revision);
    expect(await onHand(productId, bySecond.body.position)).toBe(40);
    expect(await eventsOf(`product-${productId}`, 'StockReceived')).toHaveLength(2);
  });

  it('treats a body with the same fields in another order as the same request', async () => {
    const customer = await ShopClient.as(api, 'customer');
    const productId = await clerk.registerProduct(`IDEM-O-${randomUUID().slice(0, 8)}`, 100, 5);
    const key = `order-${randomUUID()}`;
    const first = await customer.request(
      'POST',
      '/v1/orders',
      { lines: [{ productId, quantity: 1 }] },
      { 'idempotency-key': key },
    );
    const reordered = await customer.request(
      'POST',
      '/v1/orders',
      { lines: [{ quantity: 1, productId }] },
      { 'idempotency-key': key },
    );
    expect(reordered.status).toBe(201);
    expect(reordered.headers['idempotent-replayed']).toBe('true');
    expect(reordered.body).toEqual(first.body);
  });
});
