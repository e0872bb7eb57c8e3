import { type ApiProcess, peakRssMiB } from '../../test/reliability/api-process';
import { startBuiltApi } from '../api-build';
import { entry } from '../bench-entry';
import type { BenchEntry, BenchSuite } from '../bench-entry';

const WINDOW_MS = 6_000;
const PRODUCTS = 100;
const MAX_IN_FLIGHT = 200;

interface Run {
  target: number;
  achieved: number;
  p50: number;
  p99: number;
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

/**
 * Open loop at `rate` commands/s (stock receipts over many products): each command, once acknowledged, is
 * followed by a read of the product at the command's commit position, which waits until the projection
 * shows it. Latency: from sending the command until the read returns it (append + projection + read).
 */
async function openLoop(api: ApiProcess, bearer: string, products: string[], rate: number): Promise<Run> {
  const latencies: number[] = [];
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  let sent = 0;
  while (performance.now() - started < WINDOW_MS) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    // More than MAX_IN_FLIGHT outstanding means the server is not keeping up: those sends are skipped,
    // which shows as an achieved rate below the target.
    for (; sent < due; sent++) {
      if (inFlight.size >= MAX_IN_FLIGHT) continue;
      const productId = products[sent % products.length]!;
      const t0 = performance.now();
      const op = (async () => {
        const cmd = await api.call('POST', `/v1/products/${productId}/stock`, bearer, { quantity: 1 });
        if (cmd.status !== 200) return;
        const position = cmd.headers.get('x-commit-position');
        const read = await api.call('GET', `/v1/products/${productId}?position=${position ?? ''}`, bearer);
        if (read.status === 200 && Number(read.body.revision) >= Number(cmd.body.revision)) {
          latencies.push(performance.now() - t0);
        }
      })().catch(() => undefined);
      inFlight.add(op);
      void op.finally(() => inFlight.delete(op));
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    target: rate,
    achieved: latencies.length / elapsed,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  };
}

const suite: BenchSuite = {
  name: 'read-your-writes',
  async run(): Promise<BenchEntry[]> {
    const api = await startBuiltApi();
    try {
      const clerk = await api.token('clerk');
      const products: string[] = [];
      for (let i = 0; i < PRODUCTS; i++) {
        const created = await api.call('POST', '/v1/products', clerk, {
          sku: `RYW-${i}`,
          name: `Read ${i}`,
          priceCents: 100,
        });
        products.push(created.body.id as string);
      }
      // 1,000/s first; when the machine cannot keep that up, step down to a rate it sustains (>= 90%).
      let run = await openLoop(api, clerk, products, 1_000);
      const runs = [run];
      for (const rate of [500, 250, 100, 50]) {
        if (run.achieved >= run.target * 0.9) break;
        run = await openLoop(api, clerk, products, rate);
        runs.push(run);
      }
      const rss = await peakRssMiB(api.pid);
      const first = runs[0]!;
      return [
        entry('commands/s achieved at a 1,000/s target', first.achieved, 'cmd/s', 1_000),
        entry('append-to-visible p50 at 1,000/s target', first.p50, 'ms'),
        entry('append-to-visible p99 at 1,000/s target', first.p99, 'ms'),
        ...(run !== first
          ? [
              entry(`steady rate sustained (target ${run.target}/s)`, run.achieved, 'cmd/s', run.target),
              entry(`append-to-visible p50 at ${run.target}/s`, run.p50, 'ms'),
              entry(`append-to-visible p99 at ${run.target}/s`, run.p99, 'ms'),
            ]
          : []),
        ...(rss !== null ? [entry('API process peak RSS', rss, 'MiB')] : []),
      ];
    } finally {
      await api.stop();
    }
  },
};

export default suite;
