import autocannon from 'autocannon';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { peakRssMiB } from '../../test/reliability/api-process';
import { startBuiltApi } from '../api-build';
import { entry } from '../bench-entry';
import type { BenchEntry, BenchSuite } from '../bench-entry';
import { freePort } from '@shop/testing';

const DURATION_S = 8;
const CONNECTIONS = 16;

interface Load {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

async function load(options: autocannon.Options): Promise<Load> {
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts,
  };
}

/** The baseline: bare Fastify answering a JSON echo, in its own process like the API. */
async function startBareFastify(port: number): Promise<ChildProcess> {
  const script = `
    const app = require('fastify')();
    app.post('/echo', async (req) => req.body);
    app.get('/echo', async () => ({ ok: true }));
    app.listen({ port: ${port}, host: '127.0.0.1' }).then(() => process.send('ready'));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  await once(child, 'message');
  return child;
}

const suite: BenchSuite = {
  name: 'http',
  async run(): Promise<BenchEntry[]> {
    const barePort = await freePort();
    const bare = await startBareFastify(barePort);
    const api = await startBuiltApi({ PAYMENT_SIM_LATENCY_MS: '1' });
    try {
      const clerk = await api.token('clerk');
      const customer = await api.token('customer');
      const products: string[] = [];
      for (let i = 0; i < 50; i++) {
        const created = await api.call('POST', '/v1/products', clerk, {
          sku: `BENCH-${i}`,
          name: `Bench ${i}`,
          priceCents: 100 + i,
        });
        products.push(created.body.id as string);
        await api.call('POST', `/v1/products/${products[i]!}/stock`, clerk, { quantity: 1_000_000 });
      }
      const orderBody = (n: number) =>
        JSON.stringify({ lines: [{ productId: products[n % 50]!, quantity: 1 }] });

      const bareBody = orderBody(0);
      const bareRun = await load({
        url: `http://127.0.0.1:${barePort}/echo`,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${customer}` },
        body: bareBody,
      });
      // Where the budget goes: the same app's cheapest route (no auth, no storage; helmet, ids, logging,
      // tracing and metrics still run), next to the bare Fastify echo.
      const live = await load({ url: `${api.url}/health/live` });
      // Queries first: the orders below start checkouts that keep working in the background.
      let n = 0;
      const byId = await load({
        url: api.url,
        headers: { authorization: `Bearer ${customer}` },
        requests: [{ setupRequest: (req) => ({ ...req, path: `/v1/products/${products[n++ % 50]!}` }) }],
      });
      const list = await load({
        url: `${api.url}/v1/products?limit=20`,
        headers: { authorization: `Bearer ${customer}` },
      });
      // A command without a process manager behind it: one aggregate, one append, one projection.
      const stock = await load({
        url: api.url,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${clerk}` },
        requests: [
          {
            setupRequest: (req) => ({
              ...req,
              path: `/v1/products/${products[n++ % 50]!}/stock`,
              body: JSON.stringify({ quantity: 1 }),
            }),
          },
        ],
      });
      const orders = await load({
        url: `${api.url}/v1/orders`,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${customer}` },
        requests: [{ setupRequest: (req) => ({ ...req, body: orderBody(n++) }) }],
      });
      const rss = await peakRssMiB(api.pid);
      for (const [name, run] of Object.entries({ live, orders, stock, byId, list })) {
        if (run.non2xx > run.rps * DURATION_S * 0.01)
          throw new Error(`${name}: ${run.non2xx} failed requests`);
      }
      const base = bareRun.rps;
      return [
        entry('bare Fastify POST JSON echo (baseline)', base, 'req/s'),
        entry('bare Fastify p50 latency', bareRun.p50, 'ms'),
        entry('bare Fastify p99 latency', bareRun.p99, 'ms'),
        entry(
          'GET /health/live, the API without auth or storage (baseline: bare Fastify)',
          live.rps,
          'req/s',
          base,
        ),
        entry('POST /v1/orders (baseline: bare Fastify)', orders.rps, 'req/s', base, '>= 0.25'),
        entry('POST /v1/orders p50 latency', orders.p50, 'ms'),
        entry('POST /v1/orders p99 latency', orders.p99, 'ms'),
        entry('POST /v1/products/:id/stock (baseline: bare Fastify)', stock.rps, 'req/s', base, '>= 0.25'),
        entry('POST /v1/products/:id/stock p50 latency', stock.p50, 'ms'),
        entry('POST /v1/products/:id/stock p99 latency', stock.p99, 'ms'),
        entry('GET /v1/products/:id (baseline: bare Fastify)', byId.rps, 'req/s', base),
        entry('GET /v1/products/:id p99 latency', byId.p99, 'ms'),
        entry('GET /v1/products?limit=20 (baseline: bare Fastify)', list.rps, 'req/s', base),
        entry('GET /v1/products?limit=20 p99 latency', list.p99, 'ms'),
        ...(rss !== null ? [entry('API process peak RSS', rss, 'MiB')] : []),
      ];
    } finally {
      await api.stop();
      bare.kill('SIGTERM');
    }
  },
};

export default suite;
