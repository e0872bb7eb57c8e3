import { EventStoreDBClient } from '@eventstore/db-client';
import { readDiscovery } from '@shop/embedded-stack';
import { ApiProcess } from './api-process';
import { eventually } from '@shop/testing';

const CYCLES = 5;

/**
 * A load generator issues commands while the API process is SIGKILLed at random moments. After every
 * restart, each acknowledged command's events are in the store, and every read model equals a fresh
 * rebuild (the CLI's `projections verify` exits 0).
 */
describe('crash: SIGKILL under load', () => {
  let api: ApiProcess;

  beforeAll(async () => {
    api = await ApiProcess.create({ PAYMENT_SIM_LATENCY_MS: '5' });
    await api.start();
  }, 120_000);

  afterAll(async () => {
    await api.stop();
  });

  it(`loses no acknowledged command over ${CYCLES} kill/restart cycles, and read models equal a rebuild`, async () => {
    const clerk = await api.token('clerk');
    const products: string[] = [];
    for (let i = 0; i < 4; i++) {
      const created = await api.call('POST', '/v1/products', clerk, {
        sku: `CRASH-${i}`,
        name: `Crash ${i}`,
        priceCents: 100 + i,
      });
      expect(created.status).toBe(201);
      products.push(created.body.id as string);
    }
    // Acknowledged commands: the stream and revision each 2xx answer promised.
    const acknowledged: { stream: string; revision: number }[] = [];
    let attempted = 0;
    let verified = 0;

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      let running = true;
      const load = Array.from({ length: 4 }, async (_, worker) => {
        const bearer = await api.token(worker % 2 ? 'clerk' : 'customer');
        for (let n = 0; running; n++) {
          const productId = products[(n + worker) % products.length]!;
          attempted++;
          const reply =
            worker % 2
              ? await api
                  .call('POST', `/v1/products/${productId}/stock`, bearer, { quantity: 1 + (n % 3) })
                  .catch(() => undefined)
              : await api
                  .call('POST', '/v1/orders', bearer, { lines: [{ productId, quantity: 1 }] })
                  .catch(() => undefined);
          if (!reply) return; // the process died under this request: not acknowledged
          if (reply.status < 300) {
            const stream = worker % 2 ? `product-${productId}` : `order-${reply.body.id as string}`;
            acknowledged.push({ stream, revision: Number(reply.body.revision) });
          }
        }
      });
      // A random moment between 0.3 s and 1.5 s into the load.
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 1200));
      await api.kill('SIGKILL');
      running = false;
      await Promise.all(load);
      await api.start();

      const servers = await readDiscovery(api.dataDir);
      const esdb = EventStoreDBClient.connectionString(servers!.eventStoreUrl!);
      try {
        const lastRevision = new Map<string, number>();
        for (const { stream } of acknowledged) {
          if (lastRevision.has(stream)) continue;
          let last = -1;
          for await (const e of esdb.readStream(stream)) last = Number(e.event!.revision);
          lastRevision.set(stream, last);
        }
        const lost = acknowledged.filter((a) => (lastRevision.get(a.stream) ?? -1) < a.revision);
        expect(lost).toEqual([]);
      } finally {
        await esdb.dispose();
      }

      const auditor = await api.token('auditor');
      const status = async () =>
        (await api.call('GET', '/v1/admin/projections', auditor)).body.projections as {
          name: string;
          kind: string;
          lagEvents: number;
        }[];
      const names = (await status()).filter((p) => p.kind === 'projection').map((p) => p.name);
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) {
        // Verify compares at the live checkpoint: let the restarted runner catch up first.
        await eventually(async () => {
          const entry = (await status()).find((p) => p.name === name);
          return entry?.lagEvents === 0 ? true : undefined;
        }, 60_000);
        const verify = await api.cli(['projections', 'verify', name, '--json']);
        if (verify.code !== 0)
          throw new Error(`verify ${name} after cycle ${cycle + 1}: ${verify.stdout} ${verify.stderr}`);
        verified++;
      }
    }
    process.stdout.write(
      `reliability/crash: ${CYCLES} SIGKILL cycles survived, ${attempted} commands sent, ` +
        `${acknowledged.length} acknowledged, 0 events lost, ${verified} read-model verifications passed\n`,
    );
  }, 600_000);
});
