import autocannon from 'autocannon';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { type ApiProcess, peakRssMiB } from '../../test/reliability/api-process';
import { startBuiltApi } from '../api-build';
import { entry } from '../bench-entry';
import { breakdown, nowUs, readProfile, STAGES } from '../cpu-breakdown';
import type { BenchEntry, BenchSuite } from '../bench-entry';
import { freePort } from '@shop/testing';

const DURATION_S = 8;
const CONNECTIONS = 16;
/** The API as `npm start` runs it: its default LOG_LEVEL (info), the logs going to a file. */
const API_ENV = { PAYMENT_SIM_LATENCY_MS: '1', LOG_LEVEL: 'info' };

interface Load {
  total: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

async function load(options: autocannon.Options): Promise<Load> {
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options });
  return {
    total: result.requests.total,
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

/** How many of `orders` the customer sees confirmed or cancelled within `withinMs` (16 readers). */
async function settledWithin(
  api: ApiProcess,
  customer: string,
  orders: readonly string[],
  withinMs: number,
): Promise<number> {
  const deadline = Date.now() + withinMs;
  let pending = [...orders];
  while (pending.length > 0 && Date.now() < deadline) {
    const open: string[] = [];
    for (let i = 0; i < pending.length; i += 16) {
      const batch = pending.slice(i, i + 16);
      const statuses = await Promise.all(
        batch.map(async (id) => (await api.call('GET', `/v1/orders/${id}`, customer)).body.status),
      );
      batch.forEach((id, j) => {
        if (statuses[j] !== 'confirmed' && statuses[j] !== 'cancelled') open.push(id);
      });
    }
    pending = open;
    if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return orders.length - pending.length;
}

async function seedProducts(api: ApiProcess, clerk: string, count: number): Promise<string[]> {
  const products: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = await api.call('POST', '/v1/products', clerk, {
      sku: `BENCH-${i}`,
      name: `Bench ${i}`,
      priceCents: 100 + i,
    });
    products.push(created.body.id as string);
    await api.call('POST', `/v1/products/${products[i]!}/stock`, clerk, { quantity: 1_000_000 });
  }
  return products;
}

/**
 * Per-request CPU by stage for one query and one command: each route under load for 4 s in an API started
 * with --cpu-prof (see cpu-breakdown.ts); profiling slows the process, so the sum exceeds the unprofiled cost.
 */
async function costBreakdown(logDir: string): Promise<ReturnType<typeof entry>[]> {
  const entries: ReturnType<typeof entry>[] = [];
  for (const route of ['GET /v1/products/:id', 'POST /v1/products/:id/stock'] as const) {
    const profileDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-prof-'));
    const api = await startBuiltApi(API_ENV, {
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
      logFile: path.join(logDir, 'api-profiled.log'),
    });
    let from = 0;
    let to = 0;
    let served = 0;
    try {
      const clerk = await api.token('clerk');
      const customer = await api.token('customer');
      const products = await seedProducts(api, clerk, 10);
      let n = 0;
      from = nowUs();
      const run = await load({
        url: api.url,
        duration: 4,
        ...(route === 'GET /v1/products/:id'
          ? {
              headers: { authorization: `Bearer ${customer}` },
              requests: [
                { setupRequest: (req) => ({ ...req, path: `/v1/products/${products[n++ % 10]!}` }) },
              ],
            }
          : {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${clerk}` },
              requests: [
                {
                  setupRequest: (req) => ({
                    ...req,
                    path: `/v1/products/${products[n++ % 10]!}/stock`,
                    body: JSON.stringify({ quantity: 1 }),
                  }),
                },
              ],
            }),
      });
      to = nowUs();
      served = run.total;
    } finally {
      await api.stop();
    }
    const stages = breakdown(readProfile(profileDir), from, to, served);
    await fs.rm(profileDir, { recursive: true, force: true });
    let sum = 0;
    for (const stage of STAGES) {
      sum += stages[stage];
      entries.push(entry(`per-request CPU, ${route}: ${stage} (profiled)`, stages[stage], 'us'));
    }
    entries.push(entry(`per-request CPU, ${route}: total (profiled)`, sum, 'us'));
  }
  return entries;
}

const suite: BenchSuite = {
  name: 'http',
  async run(): Promise<BenchEntry[]> {
    const barePort = await freePort();
    const bare = await startBareFastify(barePort);
    const logDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-http-logs-'));
    const api = await startBuiltApi(API_ENV, { logFile: path.join(logDir, 'api.log') });
    try {
      const clerk = await api.token('clerk');
      const customer = await api.token('customer');
      const products = await seedProducts(api, clerk, 50);
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
      const accepted: string[] = [];
      const orders = await load({
        url: `${api.url}/v1/orders`,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${customer}` },
        requests: [
          {
            setupRequest: (req) => ({ ...req, body: orderBody(n++) }),
            onResponse: (status, body) => {
              if (status < 300) accepted.push((JSON.parse(body) as { id: string }).id);
            },
          },
        ],
      });
      const settled = await settledWithin(api, customer, accepted, 60_000);
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
          '>= 0.40',
        ),
        entry('POST /v1/orders (baseline: bare Fastify)', orders.rps, 'req/s', base, '>= 0.03'),
        entry('POST /v1/orders p50 latency', orders.p50, 'ms'),
        entry('POST /v1/orders p99 latency', orders.p99, 'ms'),
        entry(
          'POST /v1/orders accepted, and confirmed or cancelled within 60 s after the load (baseline: accepted)',
          settled,
          'orders',
          accepted.length,
          '= 1',
        ),
        entry('POST /v1/products/:id/stock (baseline: bare Fastify)', stock.rps, 'req/s', base, '>= 0.08'),
        entry('POST /v1/products/:id/stock p50 latency', stock.p50, 'ms'),
        entry('POST /v1/products/:id/stock p99 latency', stock.p99, 'ms'),
        entry('GET /v1/products/:id (baseline: bare Fastify)', byId.rps, 'req/s', base, '>= 0.20'),
        entry('GET /v1/products/:id p99 latency', byId.p99, 'ms'),
        entry('GET /v1/products?limit=20 (baseline: bare Fastify)', list.rps, 'req/s', base, '>= 0.15'),
        entry('GET /v1/products?limit=20 p99 latency', list.p99, 'ms'),
        ...(rss !== null ? [entry('API process peak RSS', rss, 'MiB', null, '<= 300')] : []),
        ...(await costBreakdown(logDir)),
      ];
    } finally {
      await api.stop();
      bare.kill('SIGTERM');
      await fs.rm(logDir, { recursive: true, force: true });
    }
  },
};

export default suite;
