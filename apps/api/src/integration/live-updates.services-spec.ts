import { randomUUID } from 'node:crypto';
import { ApiProcess } from '../../../../test/reliability/api-process';
import { SseClient } from '../testing/sse-client';

const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/**
 * Two API processes on one set of servers (the second on the first's DATA_DIR) and the local Redis. The one
 * the client follows runs no projections (RUN_WORKERS=false), so what it delivers can only have come from the
 * other process's projections through Redis pub/sub.
 */
describe('REDIS_URL: a live subscriber on one API hears a change committed through another', () => {
  let a: ApiProcess;
  let b: ApiProcess;
  beforeAll(async () => {
    a = await ApiProcess.create({ REDIS_URL: redisUrl, RUN_WORKERS: 'false', LIVE_HEARTBEAT_MS: '500' });
    await a.start();
    b = await ApiProcess.create({ REDIS_URL: redisUrl, DATA_DIR: a.dataDir });
    await b.start();
  }, 200_000);
  afterAll(async () => {
    await b?.kill('SIGTERM');
    await a?.stop();
  });

  it('an SSE stream on A gets the order changes B applied, after the view holds them', async () => {
    const ready = (await (await fetch(`${a.url}/health/ready`)).json()) as { info: Record<string, unknown> };
    expect(ready.info.liveUpdates).toEqual({ status: 'up', transport: 'redis' });

    const clerk = await b.token('clerk');
    const product = await b.call('POST', '/v1/products', clerk, {
      sku: `TWO-${randomUUID().slice(0, 8)}`,
      name: 'Two',
      priceCents: 100,
    });
    expect(product.status).toBe(201);
    const productId = product.body.id as string;
    expect((await b.call('POST', `/v1/products/${productId}/stock`, clerk, { quantity: 5 })).status).toBe(
      200,
    );
    const customerId = randomUUID();
    const customer = await b.token('customer', customerId);
    const placed = await b.call('POST', '/v1/orders', customer, { lines: [{ productId, quantity: 1 }] });
    expect(placed.status).toBe(201);
    const orderId = placed.body.id as string;

    const stream = await SseClient.open(
      `${a.url}/v1/orders/${orderId}/events?position=${placed.body.position as string}`,
      { authorization: `Bearer ${await a.token('customer', customerId)}` },
    );
    try {
      expect(stream.status).toBe(200);
      await stream.waitForComment('subscribed');
      const cancelled = await b.call('POST', `/v1/orders/${orderId}/cancel`, customer, {
        reason: 'two processes',
      });
      expect(cancelled.status).toBe(200);
      const event = await stream.waitFor((e) => e.data.eventType === 'OrderCancelled', 30_000);
      expect(event.id).toBe(cancelled.body.position);
      // Announced after B's projection committed: A reads the same state from the shared view.
      expect((await a.call('GET', `/v1/orders/${orderId}`, customer)).body.status).toBe('cancelled');
      await stream.waitForComment('keep-alive');
    } finally {
      stream.close();
    }
  }, 120_000);
});
