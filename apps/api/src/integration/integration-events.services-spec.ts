import { type IntegrationEventType } from '@shop/integration';
import { eventually } from '@shop/testing';
import { type ConsumeMessage } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { brokerUrl, subjectOf, TestConsumer } from '../../../../libs/integration/src/testing/broker';
import { schemaErrors as dataErrors } from '../../../../libs/integration/src/testing/schemas';
import { ShopClient } from '../checkout/shop-client';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';

const dataOf = (m: ConsumeMessage) => JSON.parse(m.content.toString('utf8')) as Record<string, unknown>;
const schemaErrors = (m: ConsumeMessage) =>
  dataErrors(m.fields.routingKey as IntegrationEventType, dataOf(m));

const fast = {
  RATE_LIMIT_PER_USER: '100000',
  RATE_LIMIT_PER_IP: '100000',
  PAYMENT_SIM_LATENCY_MS: '2',
  STOCK_LOW_THRESHOLD: '3',
  INTEGRATION_SOURCE: 'urn:eventshop:test',
};

describe('integration events over the real RabbitMQ, published by the API process', () => {
  let consumer: TestConsumer;
  let api: ApiUnderTest;
  beforeAll(async () => {
    consumer = await TestConsumer.start('shop.#');
    api = await startApiUnderTest({ ...fast, AMQP_URL: brokerUrl(), AMQP_EXCHANGE: consumer.exchange });
  });
  afterAll(async () => {
    await api.close();
    await consumer.close();
  });

  it('a checkout publishes exactly the contract messages, in order, as CloudEvents its schemas accept', async () => {
    const clerk = await ShopClient.as(api, 'clerk');
    const productId = await clerk.registerProduct(`INT-${randomUUID().slice(0, 8)}`, 450, 4);
    const customer = await ShopClient.as(api, 'customer');
    const placed = await customer.placeOrder([{ productId, quantity: 2 }]);
    expect(placed.status).toBe(201);
    const orderId = placed.body.id as string;

    const ofOrder = await eventually(() => {
      const mine = consumer.received.filter((m) => subjectOf(m) === orderId);
      return mine.length >= 2 && mine;
    });
    expect(ofOrder.map((m) => m.fields.routingKey)).toEqual([
      'shop.order.placed.v1',
      'shop.order.confirmed.v1',
    ]);
    for (const message of ofOrder) {
      expect(schemaErrors(message)).toEqual([]);
      const headers = message.properties.headers as Record<string, unknown>;
      expect(headers).toMatchObject({
        'cloudEvents:specversion': '1.0',
        'cloudEvents:id': message.properties.messageId,
        'cloudEvents:source': 'urn:eventshop:test',
        'cloudEvents:type': message.fields.routingKey,
        'cloudEvents:subject': orderId,
        'cloudEvents:time': expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/),
      });
      expect(message.properties).toMatchObject({ contentType: 'application/json', deliveryMode: 2 });
    }
    expect(dataOf(ofOrder[0]!)).toMatchObject({
      orderId,
      lines: [{ productId, quantity: 2, unitPriceCents: 450 }],
    });

    // Available 4 -> 2 crossed the threshold of 3: one stock-low; a further order (2 -> 1) publishes none.
    const low = await eventually(() => consumer.received.find((m) => subjectOf(m) === productId));
    expect(low.fields.routingKey).toBe('shop.product.stock-low.v1');
    expect(dataOf(low)).toEqual({ productId, sku: expect.any(String), available: 2, threshold: 3 });
    expect(schemaErrors(low)).toEqual([]);
    const second = await customer.placeOrder([{ productId, quantity: 1 }]);
    await eventually(() =>
      consumer.received.some(
        (m) => subjectOf(m) === second.body.id && m.fields.routingKey === 'shop.order.confirmed.v1',
      ),
    );
    expect(consumer.received.filter((m) => subjectOf(m) === productId)).toHaveLength(1);
    // Every message has its own id.
    const ids = consumer.received.map((m) => m.properties.messageId as string);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
