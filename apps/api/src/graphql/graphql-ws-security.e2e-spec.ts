import { type ChangeBus, type LiveMessage } from '@shop/live';
import { eventually } from '@shop/testing';
import { createClient, type Client } from 'graphql-ws';
import { randomUUID } from 'node:crypto';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';
import { GraphqlTestClient, graphqlUrl } from './graphql-test-client';

const QUIET = 'subscription ($id: ID!) { stockChanged(productId: $id) { id } }';
const fast = { intervalMs: 5 };

/** A stock change as libs/live's projection feed publishes it (the bus delivers it to stockChanged). */
const stockChange = (topic: string, productId: string): LiveMessage => ({
  type: 'change',
  topic,
  id: productId,
  projection: 'stock',
  eventType: 'StockReceived',
  position: '0/0',
  streamName: `stock-${productId}`,
  revision: '0',
  recordedAt: new Date().toISOString(),
  committedAt: new Date().toISOString(),
});

/** A graphql-ws client that keeps its one socket open (not lazy: completing a subscription keeps it). */
const socketOf = (api: ApiUnderTest, token: string, onClose?: (code: number, reason: string) => void) =>
  createClient({
    url: graphqlUrl(api).replace('http://', 'ws://'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    connectionParams: { authorization: `Bearer ${token}` },
    on: {
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        onClose?.(code, reason);
      },
    },
    onNonLazyError: () => undefined,
  });

/** Subscribes; `errors` collects what the server refused, `stop` sends `complete`. */
function subscribe(client: Client, query: string, variables: Record<string, unknown>) {
  const errors: unknown[] = [];
  const received: unknown[] = [];
  let completed = false;
  const stop = client.subscribe(
    { query, variables },
    {
      next: (value) => {
        if (value.errors) errors.push(...value.errors);
        else received.push(value.data);
      },
      // graphql-ws hands the server's `error` message as the array of its GraphQL errors.
      error: (error) => errors.push(...(Array.isArray(error) ? (error as unknown[]) : [error])),
      complete: () => (completed = true),
    },
  );
  return { errors, received, stop, isCompleted: () => completed };
}

describe('GraphQL over WebSocket: subscriptions end, are capped and charged', () => {
  let api: ApiUnderTest;
  let bus: ChangeBus;
  let stockTopic: string;

  beforeAll(async () => {
    api = await startApiUnderTest(
      {
        RATE_LIMIT_PER_USER: '60',
        RATE_LIMIT_PER_IP: '100000',
        GRAPHQL_MAX_SUBSCRIPTIONS_PER_CONNECTION: '5',
      },
      { listen: true },
    );
    // Loaded only now: @shop/config reads the environment when it is first imported.
    bus = api.app.get((await import('@shop/live')).ChangeBus);
    stockTopic = (await import('@shop/inventory')).STOCK_TOPIC;
  });
  afterAll(() => api.close());

  it('a completed subscription on a quiet topic leaves the bus at once: 50 subscribe/complete cycles leave 0', async () => {
    const client = socketOf(api, await api.token('clerk'));
    const productId = randomUUID();
    const start = bus.active;
    for (let i = 0; i < 50; i += 1) {
      const sub = subscribe(client, QUIET, { id: productId });
      // Running end to end once one update went through it; then the topic stays quiet.
      await eventually(() => {
        if (sub.received.length > 0) return true;
        bus.deliver([stockChange(stockTopic, productId)]);
        return false;
      }, fast);
      sub.stop();
      // Before the fix the completed subscription stayed on the bus until the next update or the socket closed.
      await eventually(() => bus.active === start, { ...fast, timeoutMs: 5_000 });
    }
    expect(bus.active).toBe(start);
    await client.dispose();
  });

  it('refuses more than GRAPHQL_MAX_SUBSCRIPTIONS_PER_CONNECTION on one socket (TOO_MANY_SUBSCRIPTIONS); completing one frees a slot', async () => {
    const client = socketOf(api, await api.token('clerk'));
    const start = bus.active;
    const held = [];
    for (let i = 0; i < 5; i += 1) held.push(subscribe(client, QUIET, { id: randomUUID() }));
    await eventually(() => bus.active === start + 5, fast);
    const refused = subscribe(client, QUIET, { id: randomUUID() });
    await eventually(() => refused.errors.length > 0, fast);
    expect(refused.errors[0]).toMatchObject({
      extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', subscriptions: 5, maxSubscriptions: 5 },
    });
    expect(bus.active).toBe(start + 5);
    held[0]!.stop();
    await eventually(() => bus.active === start + 4, fast);
    const again = subscribe(client, QUIET, { id: randomUUID() });
    await eventually(() => bus.active === start + 5, fast);
    expect(again.errors).toEqual([]);
    await client.dispose();
    await eventually(() => bus.active === start, fast);
  });

  it("charges each subscribe to the user's rate limit (RATE_LIMITED once the budget is spent)", async () => {
    const sub = `heavy-${randomUUID()}`;
    const token = await api.token('clerk', sub);
    const http = await GraphqlTestClient.as(api, 'clerk', sub);
    // 20 pages of 100 products take 3 requests each: the whole budget of 60.
    for (let i = 0; i < 20; i += 1)
      expect((await http.query('{ products(first: 100) { nodes { id } } }')).errors).toBeUndefined();
    const client = socketOf(api, token);
    const start = bus.active;
    const refused = subscribe(client, QUIET, { id: randomUUID() });
    await eventually(() => refused.errors.length > 0, fast);
    expect(refused.errors[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED', status: 429 } });
    expect(bus.active).toBe(start);

    // Another user's budget is untouched.
    const other = socketOf(api, await api.token('clerk'));
    const allowed = subscribe(other, QUIET, { id: randomUUID() });
    await eventually(() => bus.active === start + 1, fast);
    expect(allowed.errors).toEqual([]);
    await Promise.all([client.dispose(), other.dispose()]);
  });
});
