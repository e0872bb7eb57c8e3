import { startEmbeddedEventStore, type EmbeddedEventStore } from '@shop/embedded-eventstore';
import { startEmbeddedMongo, type EmbeddedMongo } from '@shop/embedded-mongo';
import { MONGO_CLIENT } from '@shop/mongo';
import { type CommandStartedEvent, type MongoClient } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';
import { GraphqlTestClient } from './graphql-test-client';

const READS = new Set(['find', 'aggregate', 'getMore', 'count', 'distinct']);
const VIEWS = new Set(['orders', 'products']);

/** The orders/products reads the driver sends while `run` runs (its command monitoring, nothing else). */
async function readsDuring(client: MongoClient, run: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const listener = (event: CommandStartedEvent): void => {
    const target = event.command[event.commandName] as unknown;
    const collection = event.commandName === 'getMore' ? (event.command.collection as unknown) : target;
    if (READS.has(event.commandName) && typeof collection === 'string' && VIEWS.has(collection))
      seen.push(`${event.commandName} ${collection}`);
  };
  client.on('commandStarted', listener);
  try {
    await run();
  } finally {
    client.off('commandStarted', listener);
  }
  return seen;
}

describe('GraphQL relationships without N+1 reads', () => {
  let esdb: EmbeddedEventStore;
  let mongo: EmbeddedMongo;
  let api: ApiUnderTest;
  let customer: GraphqlTestClient;
  let mongoClient: MongoClient;
  let lastPosition = '';

  beforeAll(async () => {
    esdb = await startEmbeddedEventStore({ inMemory: true, port: 0 });
    mongo = await startEmbeddedMongo({ inMemory: true, port: 0 });
    // The driver reports commands only when asked at connection time: the URL asks.
    const monitored = `${mongo.uri}${mongo.uri.includes('?') ? '&' : '?'}monitorCommands=true`;
    api = await startApiUnderTest(
      {
        EVENTSTORE_URL: esdb.url,
        MONGO_URL: monitored,
        JWT_EMBEDDED_SECRET: 'true',
        PAYMENT_SIMULATE: 'true',
        RATE_LIMIT_PER_USER: '100000',
        RATE_LIMIT_PER_IP: '100000',
      },
      { listen: true },
    );
    mongoClient = api.app.get<MongoClient>(MONGO_CLIENT);
    const clerk = await GraphqlTestClient.as(api, 'clerk');
    customer = await GraphqlTestClient.as(api, 'customer');
    const tag = randomUUID().slice(0, 6);
    const productIds: string[] = [];
    for (let p = 0; p < 10; p += 1) {
      const registered = await clerk.query<{ registerProduct: { id: string } }>(
        'mutation ($i: RegisterProductInput!) { registerProduct(input: $i) { id } }',
        { i: { sku: `${tag}-${p}`, name: `${tag} product ${p}`, priceCents: 100 + p } },
      );
      productIds.push(registered.data!.registerProduct.id);
    }
    for (let o = 0; o < 50; o += 1) {
      const lines = [0, 1, 2].map((l) => ({ productId: productIds[(o + l * 3) % 10]!, quantity: 1 }));
      const placed = await customer.query<{ placeOrder: { position: string } }>(
        'mutation ($i: PlaceOrderInput!) { placeOrder(input: $i) { position } }',
        { i: { lines } },
      );
      expect(placed.errors).toBeUndefined();
      lastPosition = placed.data!.placeOrder.position;
    }
  });

  afterAll(async () => {
    await api.close();
    await Promise.allSettled([esdb.stop(), mongo.stop()]);
  });

  it('reads a page of 50 orders with their lines’ products, payment and history in at most 3 round trips', async () => {
    let page: Awaited<ReturnType<GraphqlTestClient['query']>> | undefined;
    const reads = await readsDuring(mongoClient, async () => {
      page = await customer.query(
        `query ($p: String) {
          myOrders(first: 50, position: $p) {
            nodes {
              id status totalCents
              payment { status }
              history { status at }
              lines { quantity product { id name priceCents available } }
            }
          }
        }`,
        { p: lastPosition },
      );
    });
    expect(page?.errors).toBeUndefined();
    const nodes = (page!.data as { myOrders: { nodes: { lines: { product: { id: string } | null }[] }[] } })
      .myOrders.nodes;
    expect(nodes).toHaveLength(50);
    expect(nodes.every((order) => order.lines.length === 3 && order.lines.every((l) => l.product?.id))).toBe(
      true,
    );
    // One find for the page, one for every distinct product of it.
    expect(reads).toEqual(['find orders', 'find products']);
    expect(reads.length).toBeLessThanOrEqual(3);
  });
});
