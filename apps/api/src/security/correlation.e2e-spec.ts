import { EventStoreDBClient } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import { ShopClient } from '../checkout/shop-client';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';

/** Whose X-Correlation-Id is trusted: a customer cannot put their requests into someone else's trace. */
describe('X-Correlation-Id policy', () => {
  let api: ApiUnderTest;
  let productId: string;

  beforeAll(async () => {
    api = await startApiUnderTest({ RATE_LIMIT_PER_USER: '100000', RATE_LIMIT_PER_IP: '100000' });
    productId = await (
      await ShopClient.as(api, 'clerk')
    ).registerProduct(`CORR-${randomUUID().slice(0, 8)}`, 100, 5);
  });
  afterAll(() => api.close());

  const correlationOfOrder = async (orderId: string) => {
    const correlations: (string | undefined)[] = [];
    for await (const e of api.app.get(EventStoreDBClient).readStream(`order-${orderId}`, { maxCount: 1 }))
      correlations.push((e.event?.metadata as { correlationId?: string } | undefined)?.correlationId);
    return correlations[0];
  };

  it("starts a new conversation for a customer's request, whatever correlation id it names", async () => {
    const victim = randomUUID();
    const customer = await ShopClient.as(api, 'customer');
    const placed = await customer.request(
      'POST',
      '/v1/orders',
      { lines: [{ productId, quantity: 1 }] },
      { 'x-correlation-id': victim },
    );
    expect(placed.status).toBe(201);
    const correlationId = placed.headers['x-correlation-id'] as string;
    expect(correlationId).not.toBe(victim);
    expect(correlationId).toBe(placed.headers['x-request-id']);
    expect(await correlationOfOrder(placed.body.id as string)).toBe(correlationId);
  });

  it("adopts a staff caller's correlation id", async () => {
    const conversation = `ops-${randomUUID()}`;
    const clerk = await ShopClient.as(api, 'clerk');
    const received = await clerk.request(
      'POST',
      `/v1/products/${productId}/stock`,
      { quantity: 1 },
      { 'x-correlation-id': conversation },
    );
    expect(received.status).toBe(200);
    expect(received.headers['x-correlation-id']).toBe(conversation);
  });
});
