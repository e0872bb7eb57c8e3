import * as fs from 'node:fs/promises';
import { SseClient } from '../../apps/api/src/testing/sse-client';
import { type ApiProcess } from '../../test/reliability/api-process';
import { startBuiltApi } from '../api-build';
import { entry } from '../bench-entry';
import type { BenchEntry, BenchSuite } from '../bench-entry';

const SUBSCRIBERS = 1_000;
const CHANGES = 40;
const CHANGES_PER_SECOND = 20;

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

const rssKiB = async (pid: number | undefined): Promise<number> => {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
};

/** CPU time the process has used (user + system), in ms; /proc counts in ticks of 10 ms. */
const cpuMs = async (pid: number | undefined): Promise<number> => {
  const fields = (await fs.readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

/**
 * `subscribers` SSE clients on GET /v1/admin/events/live; stock receipts at a steady rate, each a change every
 * subscriber receives. Latency per delivery: from the view's commit (the change's `committedAt`, the API's
 * clock, same machine) until the client has parsed the event. The clients run in this process.
 */
async function deliveries(api: ApiProcess, subscribers: number, productId: string) {
  const clients: SseClient[] = [];
  for (let i = 0; i < subscribers; i++) {
    const client = await SseClient.open(`${api.url}/v1/admin/events/live`, {
      authorization: `Bearer ${await api.token('auditor')}`,
    });
    if (client.status !== 200) throw new Error(`subscriber ${i}: ${client.status} ${client.body ?? ''}`);
    clients.push(client);
  }
  await Promise.all(clients.map((c) => c.waitForComment('subscribed')));
  // Idle subscriptions: before any change flows.
  const rss = await rssKiB(api.pid);
  const clerk = await api.token('clerk');
  const cpuBefore = await cpuMs(api.pid);
  const latencies: number[] = [];
  const counted = clients.map(() => 0);
  const collect = () =>
    clients.forEach((client, i) => {
      for (; counted[i]! < client.events.length; counted[i]!++) {
        const event = client.events[counted[i]!]!;
        if (event.data.topic !== 'stock' || event.data.id !== productId) continue;
        latencies.push(event.receivedAt - Date.parse(event.data.committedAt as string));
      }
    });
  for (let i = 0; i < CHANGES; i++) {
    const started = Date.now();
    await api.call('POST', `/v1/products/${productId}/stock`, clerk, { quantity: 1 });
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, 1000 / CHANGES_PER_SECOND - (Date.now() - started))),
    );
  }
  const expected = CHANGES * subscribers;
  const deadline = Date.now() + 30_000;
  while (latencies.length < expected && Date.now() < deadline) {
    collect();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  collect();
  const cpu = (await cpuMs(api.pid)) - cpuBefore;
  clients.forEach((c) => c.close());
  latencies.sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    received: latencies.length,
    expected,
    rss,
    cpu,
  };
}

const suite: BenchSuite = {
  name: 'live',
  async run(): Promise<BenchEntry[]> {
    const api = await startBuiltApi({ LIVE_MAX_CONNECTIONS_PER_USER: '10000', LIVE_HEARTBEAT_MS: '15000' });
    try {
      const clerk = await api.token('clerk');
      const created = await api.call('POST', '/v1/products', clerk, {
        sku: 'LIVE-BENCH',
        name: 'Live',
        priceCents: 100,
      });
      const productId = created.body.id as string;
      const one = await deliveries(api, 1, productId);
      const idle = await rssKiB(api.pid);
      const many = await deliveries(api, SUBSCRIBERS, productId);
      return [
        entry('commit to SSE delivery p99, 1 subscriber', one.p99, 'ms'),
        entry(`commit to SSE delivery p50, ${SUBSCRIBERS} subscribers`, many.p50, 'ms', one.p50),
        entry(`commit to SSE delivery p99, ${SUBSCRIBERS} subscribers`, many.p99, 'ms', one.p99, '<= 50'),
        // Robust against a loaded machine where latencies are not: the API's CPU per change delivered to all.
        entry(`API CPU per change, ${SUBSCRIBERS} subscribers`, many.cpu / CHANGES, 'ms', one.cpu / CHANGES),
        entry(`deliveries received of ${many.expected}`, many.received, 'events', many.expected),
        entry('API memory per open SSE subscription', (many.rss - idle) / SUBSCRIBERS, 'KiB'),
      ];
    } finally {
      await api.stop();
    }
  },
};

export default suite;
