import { createClient, type Client } from 'graphql-ws';
import { Metrics } from '@shop/observability';
import { eventually } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';
import { GraphqlTestClient, graphqlUrl } from './graphql-test-client';

interface Change {
  topic: string;
  id: string;
  eventType: string;
  position: string;
}

/** Subscriptions the bus holds for `topic` (libs/live's gauge): registered, so a change is sure to be heard. */
const activeSubscriptions = async (api: ApiUnderTest, topic: string): Promise<number> => {
  const gauge = api.app.get(Metrics).registry.getSingleMetric('shop_live_subscriptions_active');
  const values = (await gauge?.get())?.values ?? [];
  return values.find((v) => v.labels.topic === topic)?.value ?? 0;
};

/** A graphql-ws client (the protocol's reference implementation) on Node's own WebSocket. */
const wsClient = (
  api: ApiUnderTest,
  token: string | undefined,
  onClose?: (code: number, reason: string) => void,
) =>
  createClient({
    url: graphqlUrl(api).replace('http://', 'ws://'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    on: {
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        onClose?.(code, reason);
      },
    },
  });

/** The first `count` results of a subscription (errors reject). */
function take<T>(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
  count: number,
  wanted: (value: T) => boolean = () => true,
) {
  const results: T[] = [];
  let ready!: () => void;
  const subscribed = new Promise<void>((resolve) => (ready = resolve));
  const done = new Promise<T[]>((resolve, reject) => {
    const stop = client.subscribe<T>(
      { query, variables },
      {
        next: (value) => {
          if (value.errors) return reject(new Error(JSON.stringify(value.errors)));
          if (!wanted(value.data as T)) return;
          results.push(value.data as T);
          if (results.length >= count) {
            stop();
            resolve(results);
          }
        },
        error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
        complete: () => resolve(results),
      },
    );
    client.on('connected', () => ready());
  });
  return { subscribed, done };
}

describe('GraphQL subscriptions over graphql-ws (libs/live change bus)', () => {
  let api: ApiUnderTest;
  let clerk: GraphqlTestClient;
  let productId = '';
  const aliceId = `alice-${randomUUID()}`;

  beforeAll(async () => {
    api = await startApiUnderTest(
      { RATE_LIMIT_PER_USER: '100000', RATE_LIMIT_PER_IP: '100000' },
      { listen: true },
    );
    clerk = await GraphqlTestClient.as(api, 'clerk');
    const registered = await clerk.query<{ registerProduct: { id: string; position: string } }>(
      `mutation { registerProduct(input: { sku: "${randomUUID().slice(0, 8)}", name: "live mug", priceCents: 900 }) { id position } }`,
    );
    productId = registered.data!.registerProduct.id;
  });
  afterAll(() => api.close());

  it('delivers stockChanged after the view holds it: a query at its position sees the new stock', async () => {
    const client = wsClient(api, await api.token('clerk'));
    const updates = take<{ stockChanged: Change }>(
      client,
      'subscription ($id: ID!) { stockChanged(productId: $id) { topic id eventType position } }',
      { id: productId },
      1,
    );
    await updates.subscribed;
    // Registered on the bus once the server has processed `subscribe`: then the receipt is sure to be heard.
    await eventually(async () => (await activeSubscriptions(api, 'stockChanged')) > 0);
    await clerk.query(`mutation { receiveStock(productId: "${productId}", input: { quantity: 1 }) { id } }`);
    const received = await updates.done;
    const [update] = received;
    expect(update!.stockChanged).toMatchObject({ id: productId, eventType: 'StockReceived' });
    const read = await clerk.query<{ product: { onHand: number } }>(
      'query ($id: ID!, $p: String) { product(id: $id, position: $p) { onHand } }',
      { id: productId, p: update!.stockChanged.position },
    );
    expect(read.data!.product.onHand).toBeGreaterThanOrEqual(1);
    await client.dispose();
  });

  it("never delivers another customer's order and refuses subscribing to it", async () => {
    const alice = await GraphqlTestClient.as(api, 'customer', aliceId);
    const aliceToken = await api.token('customer', aliceId);
    const bobToken = await api.token('customer');
    const placed = await alice.query<{ placeOrder: { id: string; position: string } }>(
      `mutation { placeOrder(input: { lines: [{ productId: "${productId}", quantity: 1 }] }) { id position } }`,
    );
    const orderId = placed.data!.placeOrder.id;
    await alice.query('query ($id: ID!, $p: String) { order(id: $id, position: $p) { id } }', {
      id: orderId,
      p: placed.data!.placeOrder.position,
    });
    const bob = wsClient(api, bobToken);
    const refused = take(bob, 'subscription ($id: ID!) { orderUpdated(id: $id) { id } }', { id: orderId }, 1);
    await expect(refused.done).rejects.toThrow(/"code":"NOT_FOUND"/);
    await bob.dispose();

    // Alice hears her own order's changes (the checkout's too): wait for her cancellation.
    const own = wsClient(api, aliceToken);
    const mine = take<{ myOrdersUpdated: Change }>(
      own,
      'subscription { myOrdersUpdated { id eventType } }',
      {},
      1,
      (value) => value.myOrdersUpdated.eventType === 'OrderCancelled',
    );
    await mine.subscribed;
    await eventually(async () => (await activeSubscriptions(api, 'myOrdersUpdated')) > 0);
    const cancel = await alice.query(
      `mutation { cancelOrder(orderId: "${orderId}", input: { reason: "live test" }) { id } }`,
    );
    expect(cancel.errors).toBeUndefined();
    const [update] = await mine.done;
    expect(update!.myOrdersUpdated.id).toBe(orderId);
    await own.dispose();
  });

  it('refuses every subscription of a socket without a valid token (UNAUTHENTICATED)', async () => {
    const anonymous = wsClient(api, undefined);
    const attempt = take(anonymous, 'subscription { myOrdersUpdated { id } }', {}, 1);
    await expect(attempt.done).rejects.toThrow(/"code":"UNAUTHENTICATED"/);
    await anonymous.dispose();
  });

  it('closes the socket with 4403 and a reason when the token expires mid-subscription', async () => {
    const short = await api.tokens.mintToken({ role: 'customer', sub: `short-${randomUUID()}`, ttl: 2 });
    let close: { code: number; reason: string } | undefined;
    const client = wsClient(api, short, (code, reason) => (close = { code, reason }));
    const sub = take(client, 'subscription { myOrdersUpdated { id } }', {}, 1);
    await sub.subscribed;
    await sub.done.catch(() => undefined);
    expect(close).toEqual({ code: 4403, reason: expect.stringMatching(/expired/) });
    await client.dispose();
  });
});
