import { ProjectionManager } from '@shop/projections';
import { eventually } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { brokerEndpoint, subjectOf, TestConsumer } from '../../../../libs/integration/src/testing/broker';
import { TcpProxy } from '../../../../libs/integration/src/testing/tcp-proxy';
import { ShopClient } from '../checkout/shop-client';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';

// Its own file: the API reads its configuration once per test file.
const fast = {
  RATE_LIMIT_PER_USER: '100000',
  RATE_LIMIT_PER_IP: '100000',
  PAYMENT_SIM_LATENCY_MS: '2',
  STOCK_LOW_THRESHOLD: '3',
  INTEGRATION_SOURCE: 'urn:eventshop:test',
};

describe('a broker outage pauses publishing and degrades the shop; nothing is lost', () => {
  let consumer: TestConsumer;
  let proxy: TcpProxy;
  let api: ApiUnderTest;
  beforeAll(async () => {
    consumer = await TestConsumer.start('shop.#');
    const { host, port, withPort } = brokerEndpoint();
    proxy = await TcpProxy.start(host, port);
    api = await startApiUnderTest({
      ...fast,
      AMQP_URL: withPort(proxy.port),
      AMQP_EXCHANGE: consumer.exchange,
    });
  });
  afterAll(async () => {
    await api.close();
    await proxy.close();
    await consumer.close();
  });

  it('ready (200) with the publisher degraded while the broker is away, then every order published', async () => {
    const clerk = await ShopClient.as(api, 'clerk');
    const productId = await clerk.registerProduct(`OUTAGE-${randomUUID().slice(0, 8)}`, 300, 100);
    proxy.cut({ refuse: true });
    const customer = await ShopClient.as(api, 'customer');
    const orders: string[] = [];
    for (let i = 0; i < 3; i++) {
      const placed = await customer.placeOrder([{ productId, quantity: 1 }]);
      expect(placed.status).toBe(201);
      orders.push(placed.body.id as string);
    }
    const manager = api.app.get(ProjectionManager);
    await eventually(
      async () =>
        (await manager.status()).some((s) => s.name === 'integration-events' && s.state === 'stalled'),
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const ready = await api.app.inject({ url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      info: { projections: { status: 'up', degraded: expect.arrayContaining(['integration-events']) } },
    });
    const metrics = await api.app.inject({ url: '/metrics' });
    expect(metrics.body).toContain('shop_dependency_degraded{dependency="broker"} 1');
    // The publisher's breaker opens after consecutive failures and says so in the metrics.
    await eventually(
      async () =>
        (await api.app.inject({ url: '/metrics' })).body.includes(
          'shop_circuit_breaker_state{breaker="broker",state="open"} 1',
        ),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(consumer.received.filter((m) => orders.includes(subjectOf(m)))).toEqual([]);

    proxy.restore();
    await eventually(
      () =>
        orders.every((id) =>
          consumer.received.some(
            (m) => subjectOf(m) === id && m.fields.routingKey === 'shop.order.confirmed.v1',
          ),
        ),
      { timeoutMs: 40_000, intervalMs: 100 },
    );
    for (const id of orders) {
      const types = consumer.received.filter((m) => subjectOf(m) === id).map((m) => m.fields.routingKey);
      // At-least-once: a message may come twice after the outage, never out of order, never missing.
      expect([...new Set(types)]).toEqual(['shop.order.placed.v1', 'shop.order.confirmed.v1']);
    }
    const after = await api.app.inject({ url: '/metrics' });
    expect(after.body).toMatch(
      /shop_integration_messages_published_total\{type="shop.order.placed.v1"\} [1-9]/,
    );
  }, 90_000);
});
