import { eventually } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { brokerUrl, subjectOf, TestConsumer } from '../../../../libs/integration/src/testing/broker';
import { ApiProcess } from '../../../../test/reliability/api-process';

const ORDERS = 30;

/**
 * SIGKILL of the publishing process while it publishes: after the restart every integration event is
 * published, a repeat carries the same id, and a consumer that deduplicates by id applies each one once.
 */
describe('the integration events publisher survives SIGKILL mid-stream', () => {
  let consumer: TestConsumer;
  let api: ApiProcess;
  beforeAll(async () => {
    consumer = await TestConsumer.start('shop.#');
    api = await ApiProcess.create({
      AMQP_URL: brokerUrl(),
      AMQP_EXCHANGE: consumer.exchange,
      RATE_LIMIT_PER_USER: '100000',
      RATE_LIMIT_PER_IP: '100000',
      PAYMENT_SIM_LATENCY_MS: '2',
      STOCK_LOW_THRESHOLD: '1',
    });
    await api.start();
  });
  afterAll(async () => {
    await api.stop();
    await consumer.close();
  });

  it('publishes everything after the restart; repeats only with the same id; an inbox applies each once', async () => {
    const clerk = await api.token('clerk');
    const created = await api.call('POST', '/v1/products', clerk, {
      sku: `CRASH-${randomUUID().slice(0, 8)}`,
      name: 'Crash mug',
      priceCents: 300,
    });
    const productId = created.body.id as string;
    await api.call('POST', `/v1/products/${productId}/stock`, clerk, { quantity: 1_000 });
    const customer = await api.token('customer');
    const orders = await Promise.all(
      Array.from({ length: ORDERS }, async () => {
        const placed = await api.call('POST', '/v1/orders', customer, {
          lines: [{ productId, quantity: 1 }],
        });
        expect(placed.status).toBe(201);
        return placed.body.id as string;
      }),
    );

    // Killed while it publishes: some messages are out, not all of them.
    await eventually(() => consumer.received.length > 0, { intervalMs: 5 });
    const beforeKill = consumer.received.length;
    await api.kill('SIGKILL');
    await api.start();

    const expected = new Set(
      orders.flatMap((id) => [`shop.order.placed.v1 ${id}`, `shop.order.confirmed.v1 ${id}`]),
    );
    await eventually(
      () => {
        const seen = new Set(consumer.received.map((m) => `${m.fields.routingKey} ${subjectOf(m)}`));
        return [...expected].every((key) => seen.has(key));
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    expect(beforeKill).toBeLessThan(expected.size);

    // Repeats (published again after the crash) carry the id of their first publication.
    const idsByMessage = new Map<string, Set<string>>();
    consumer.received.forEach((m) => {
      const key = `${m.fields.routingKey} ${subjectOf(m)}`;
      idsByMessage.set(key, (idsByMessage.get(key) ?? new Set()).add(m.properties.messageId as string));
    });
    for (const [key, ids] of idsByMessage) expect([key, ids.size]).toEqual([key, 1]);

    // A consumer's inbox (by id) applies each message exactly once.
    const inbox = new Set<string>();
    let applied = 0;
    for (const m of consumer.received) {
      const id = m.properties.messageId as string;
      if (inbox.has(id)) continue;
      inbox.add(id);
      applied++;
    }
    expect(applied).toBe(idsByMessage.size);
    expect([...expected].every((key) => idsByMessage.has(key))).toBe(true);
  }, 180_000);
});
