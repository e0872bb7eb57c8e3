import { eventually } from '@shop/testing';
import { randomUUID } from 'node:crypto';
import { brokerUrl, subjectOf, TestConsumer } from '../../../../libs/integration/src/testing/broker';
import { ShopClient } from '../checkout/shop-client';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';

// Its own file: the API reads its configuration once per test file.
describe('a message no queue takes comes back to the publisher: counted, retried, never dropped', () => {
  let placedOnly: TestConsumer;
  let everything: TestConsumer | undefined;
  let api: ApiUnderTest;
  beforeAll(async () => {
    // Only placed orders are bound: confirmations have nowhere to go until someone binds them.
    placedOnly = await TestConsumer.start('shop.order.placed.v1');
    api = await startApiUnderTest({
      RATE_LIMIT_PER_USER: '100000',
      RATE_LIMIT_PER_IP: '100000',
      PAYMENT_SIM_LATENCY_MS: '2',
      AMQP_URL: brokerUrl(),
      AMQP_EXCHANGE: placedOnly.exchange,
    });
  });
  afterAll(async () => {
    await api.close();
    await everything?.close();
    await placedOnly.close();
  });

  const confirmsFailed = async (): Promise<number> => {
    const metrics = (await api.app.inject({ url: '/metrics' })).body;
    return Number(/^shop_integration_confirms_failed_total (\d+)/m.exec(metrics)?.[1] ?? 0);
  };

  it('counts the returned confirmation as a failed publish and delivers it once a queue is bound', async () => {
    const clerk = await ShopClient.as(api, 'clerk');
    const productId = await clerk.registerProduct(`UNROUTED-${randomUUID().slice(0, 8)}`, 300, 10);
    const customer = await ShopClient.as(api, 'customer');
    const orderId = (await customer.placeOrder([{ productId, quantity: 1 }])).body.id as string;
    await eventually(() => placedOnly.received.some((m) => subjectOf(m) === orderId));
    await eventually(async () => (await confirmsFailed()) >= 1, { timeoutMs: 20_000, intervalMs: 100 });

    everything = await TestConsumer.start('shop.#', placedOnly.exchange);
    const confirmed = await eventually(
      () =>
        everything!.received.find(
          (m) => subjectOf(m) === orderId && m.fields.routingKey === 'shop.order.confirmed.v1',
        ),
      { timeoutMs: 40_000, intervalMs: 100 },
    );
    expect(confirmed.properties.messageId).toEqual(expect.any(String));
    // The placed order went out once: the retry resumed at the returned message, not before it.
    expect(placedOnly.received.filter((m) => subjectOf(m) === orderId)).toHaveLength(1);
  });
});
