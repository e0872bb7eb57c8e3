import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { type ApiProcess, peakRssMiB } from '../../test/reliability/api-process';
import { startBuiltApi } from '../api-build';
import { entry } from '../bench-entry';
import type { BenchEntry, BenchSuite } from '../bench-entry';

const DURATION_S = 8;
const CONNECTIONS = 16;
const API_ENV = {
  PAYMENT_SIM_LATENCY_MS: '1',
  LOG_LEVEL: 'info',
  RATE_LIMIT_PER_USER: '1000000',
  RATE_LIMIT_PER_IP: '1000000',
};

const ORDER_FIELDS =
  'id customerId status totalCents currency revision placedAt updatedAt ' +
  'lines { productId quantity unitPriceCents } payment { status } history { status at }';

interface Load {
  rps: number;
  p99: number;
  non2xx: number;
}

async function load(options: autocannon.Options): Promise<Load> {
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options });
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts,
  };
}

const graphqlLoad = (api: ApiProcess, bearer: string, query: string, variables: object) =>
  load({
    url: `${api.url}/graphql`,
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });

/**
 * GraphQL next to REST on the same process and data: `order(id)` against `GET /v1/orders/{id}` (the same
 * fields), and a page of 50 orders with every line's product (2 MongoDB reads, see
 * graphql-round-trips.e2e-spec.ts) against REST's page of 50 without products.
 */
const suite: BenchSuite = {
  name: 'graphql',
  async run(): Promise<BenchEntry[]> {
    const api = await startBuiltApi(API_ENV);
    try {
      const clerk = await api.token('clerk');
      const customerId = randomUUID();
      const customer = await api.token('customer', customerId);
      const products: string[] = [];
      for (let i = 0; i < 10; i++) {
        const created = await api.call('POST', '/v1/products', clerk, {
          sku: `GQL-${i}`,
          name: `GraphQL ${i}`,
          priceCents: 100 + i,
        });
        products.push(created.body.id as string);
      }
      let orderId = '';
      let position = '';
      for (let o = 0; o < 50; o++) {
        const lines = [0, 1, 2].map((l) => ({ productId: products[(o + l * 3) % 10]!, quantity: 1 }));
        const placed = await api.call('POST', '/v1/orders', customer, { lines });
        orderId = placed.body.id as string;
        position = placed.body.position as string;
      }
      await api.call('GET', `/v1/orders/${orderId}?position=${position}`, customer);

      const rest = await load({
        url: `${api.url}/v1/orders/${orderId}`,
        headers: { authorization: `Bearer ${customer}` },
      });
      const gql = await graphqlLoad(
        api,
        customer,
        `query ($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`,
        {
          id: orderId,
        },
      );
      const restPage = await load({
        url: `${api.url}/v1/customers/${customerId}/orders?limit=50`,
        headers: { authorization: `Bearer ${customer}` },
      });
      const gqlPage = await graphqlLoad(
        api,
        customer,
        `{ myOrders(first: 50) { nodes { id status totalCents lines { quantity product { id name priceCents available } } } } }`,
        {},
      );
      const rss = await peakRssMiB(api.pid);
      return [
        entry('REST GET /v1/orders/{id}', rest.rps, 'req/s'),
        entry('GraphQL order(id), same fields', gql.rps, 'req/s', rest.rps, '>= 0.8 x REST'),
        entry('REST GET /v1/orders/{id} p99', rest.p99, 'ms'),
        entry('GraphQL order(id) p99', gql.p99, 'ms', rest.p99),
        entry('REST page of 50 orders (no products)', restPage.rps, 'req/s'),
        entry('GraphQL page of 50 orders with every line’s product', gqlPage.rps, 'req/s', restPage.rps),
        entry('GraphQL page of 50 orders p99', gqlPage.p99, 'ms', restPage.p99),
        entry(
          'non-2xx answers (all runs)',
          rest.non2xx + gql.non2xx + restPage.non2xx + gqlPage.non2xx,
          'count',
        ),
        ...(rss !== null ? [entry('API process peak RSS', rss, 'MiB')] : []),
      ];
    } finally {
      await api.stop();
    }
  },
};

export default suite;
