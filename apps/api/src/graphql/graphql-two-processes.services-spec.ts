import { createClient } from 'graphql-ws';
import { randomUUID } from 'node:crypto';
import { eventually } from '@shop/testing';
import { ApiProcess } from '../../../../test/reliability/api-process';

const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

const graphql = async (api: ApiProcess, token: string, query: string, variables: object = {}) => {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data: Record<string, Record<string, string>> | null; errors?: unknown };
};

/**
 * Two API processes on one set of servers and the local Redis. The one the subscriber is connected to runs
 * no projections (RUN_WORKERS=false): what it delivers can only come from the other's projections, through
 * Redis pub/sub.
 */
describe('REDIS_URL: a GraphQL subscriber on one API hears a mutation committed through another', () => {
  let a: ApiProcess;
  let b: ApiProcess;
  beforeAll(async () => {
    a = await ApiProcess.create({ REDIS_URL: redisUrl, RUN_WORKERS: 'false' });
    await a.start();
    b = await ApiProcess.create({ REDIS_URL: redisUrl, DATA_DIR: a.dataDir });
    await b.start();
  }, 200_000);
  afterAll(async () => {
    await b?.kill('SIGTERM');
    await a?.stop();
  });

  it('orderUpdated on A delivers the cancellation B applied, after the shared view holds it', async () => {
    const clerk = await b.token('clerk');
    const registered = await graphql(
      b,
      clerk,
      'mutation ($i: RegisterProductInput!) { registerProduct(input: $i) { id } }',
      { i: { sku: `GQL2-${randomUUID().slice(0, 8)}`, name: 'Two', priceCents: 100 } },
    );
    const productId = registered.data!.registerProduct!.id!;
    // In stock, so the checkout confirms the order instead of cancelling it: the cancellation is the test's.
    await graphql(
      b,
      clerk,
      'mutation ($id: ID!) { receiveStock(productId: $id, input: { quantity: 5 }) { id } }',
      {
        id: productId,
      },
    );
    const customerId = randomUUID();
    const customer = await b.token('customer', customerId);
    const placed = await graphql(
      b,
      customer,
      'mutation ($i: PlaceOrderInput!) { placeOrder(input: $i) { id position } }',
      { i: { lines: [{ productId, quantity: 1 }] } },
    );
    const orderId = placed.data!.placeOrder!.id!;
    // A reads the order once B's view holds it (the subscription checks the customer owns it).
    await graphql(
      a,
      await a.token('customer', customerId),
      'query ($id: ID!, $p: String) { order(id: $id, position: $p) { id } }',
      {
        id: orderId,
        p: placed.data!.placeOrder!.position!,
      },
    );

    const client = createClient({
      url: `${a.url.replace('http://', 'ws://')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${await a.token('customer', customerId)}` },
    });
    try {
      const connected = new Promise<void>((resolve) => client.on('connected', () => resolve()));
      const update = new Promise<{ eventType: string; position: string }>((resolve, reject) => {
        client.subscribe<{ orderUpdated: { eventType: string; position: string } }>(
          {
            query: 'subscription ($id: ID!) { orderUpdated(id: $id) { eventType position } }',
            variables: { id: orderId },
          },
          {
            next: (value) => {
              if (value.errors) reject(new Error(JSON.stringify(value.errors)));
              else if (value.data?.orderUpdated.eventType === 'OrderCancelled')
                resolve(value.data.orderUpdated);
            },
            error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
            complete: () => undefined,
          },
        );
      });
      await connected;
      // Subscribed once A's bus counts it (its metrics): only then is the cancellation sure to be heard.
      await eventually(async () =>
        /shop_live_subscriptions_active\{topic="orderUpdated"\} [1-9]/.test(
          await (await fetch(`${a.url}/metrics`)).text(),
        ),
      );
      const cancelled = await graphql(
        b,
        customer,
        'mutation ($id: ID!) { cancelOrder(orderId: $id, input: { reason: "two processes" }) { position } }',
        { id: orderId },
      );
      expect(cancelled.errors).toBeUndefined();
      const heard = await update;
      expect(heard.position).toBe(cancelled.data!.cancelOrder!.position);
      const read = await graphql(a, customer, 'query ($id: ID!) { order(id: $id) { status } }', {
        id: orderId,
      });
      expect(read.data).toEqual({ order: { status: 'cancelled' } });
    } finally {
      await client.dispose();
    }
  }, 120_000);
});
