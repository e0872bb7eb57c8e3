import { EventStoreDBClient } from '@eventstore/db-client';
import { TokenService } from '@shop/auth';
import { readDiscovery } from '@shop/embedded-stack';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { eventually, freePort } from '@shop/testing';

const root = path.resolve(__dirname, '../../../..');
const main = path.join(root, 'apps/api/src/main.ts');
const secret = 'crash-test-secret-0123456789abcdef0123456789';

/**
 * The process manager is killed (SIGKILL, the whole API process with it) while checkouts are in flight,
 * several times. After each restart it resumes from its checkpoint: every order ends confirmed, with exactly
 * one reservation per line and exactly one captured payment, whatever step each checkout was at.
 */
describe('checkout survives crashes between its steps', () => {
  let dataDir: string;
  let port: number;
  let child: ChildProcess | undefined;
  let token: (role: 'clerk' | 'customer') => Promise<string>;

  const start = async () => {
    child = spawn(process.execPath, ['-r', '@swc-node/register', main], {
      cwd: root,
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: String(port),
        JWT_SECRET: secret,
        LOG_LEVEL: 'warn',
        PAYMENT_SIM_LATENCY_MS: '40',
        RATE_LIMIT_PER_USER: '100000',
        RATE_LIMIT_PER_IP: '100000',
      },
      stdio: 'ignore',
    });
    await eventually(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/health/live`).catch(() => undefined);
      return res?.ok ? true : undefined;
    }, 60_000);
  };
  const crash = async () => {
    child?.kill('SIGKILL');
    if (child && child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  };
  const call = async (method: string, url: string, bearer: string, body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${port}${url}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'checkout-crash-'));
    port = await freePort();
    const tokens = await TokenService.create({ secret, issuer: 'eventshop', audience: 'eventshop-api' });
    token = (role) => tokens.mintToken({ role, sub: randomUUID(), ttl: 600 });
  });

  afterAll(async () => {
    child?.kill('SIGTERM');
    if (child && child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('resumes every checkout to its right end state after repeated SIGKILLs', async () => {
    await start();
    const clerk = await token('clerk');
    const product = await call('POST', '/v1/products', clerk, {
      sku: 'CRASH-1',
      name: 'Crash mug',
      priceCents: 100,
    });
    await call('POST', `/v1/products/${product.body.id as string}/stock`, clerk, { quantity: 1000 });
    const productId = product.body.id as string;

    const orders: { id: string; bearer: string }[] = [];
    for (let cycle = 0; cycle < 3; cycle++) {
      for (let i = 0; i < 5; i++) {
        const bearer = await token('customer');
        const placed = await call('POST', '/v1/orders', bearer, { lines: [{ productId, quantity: 2 }] });
        expect(placed.status).toBe(201);
        orders.push({ id: placed.body.id as string, bearer });
      }
      // Kill while those checkouts are somewhere between reservation, payment and confirmation.
      await new Promise((resolve) => setTimeout(resolve, 30 + cycle * 40));
      await crash();
      await start();
    }

    for (const order of orders) {
      await eventually(async () => {
        const res = await call('GET', `/v1/orders/${order.id}`, order.bearer);
        return res.body.status === 'confirmed' ? true : undefined;
      }, 60_000);
    }

    const servers = await readDiscovery(dataDir);
    const esdb = EventStoreDBClient.connectionString(servers!.eventStoreUrl!);
    try {
      const count = async (stream: string, type: string) => {
        let n = 0;
        for await (const e of esdb.readStream(stream)) if (e.event?.type === type) n++;
        return n;
      };
      const reservations = new Map<string, number>();
      for await (const e of esdb.readStream(`product-${productId}`)) {
        if (e.event?.type !== 'StockReserved') continue;
        const orderId = (e.event.data as { orderId: string }).orderId;
        reservations.set(orderId, (reservations.get(orderId) ?? 0) + 1);
      }
      for (const order of orders) {
        expect(reservations.get(order.id)).toBe(1);
        expect(await count(`payment-${order.id}`, 'PaymentCaptured')).toBe(1);
        expect(await count(`order-${order.id}`, 'OrderConfirmed')).toBe(1);
      }
      const view = await call('GET', `/v1/products/${productId}`, clerk);
      await eventually(async () => {
        const current = await call('GET', `/v1/products/${productId}`, clerk);
        return current.body.reserved === orders.length * 2 ? true : undefined;
      });
      expect(view.body.onHand).toBe(1000);
    } finally {
      await esdb.dispose();
    }
  }, 240_000);
});
