import { StreamInspector } from '@shop/eventstore';
import { eventually } from '@shop/testing';
import { connect } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { brokerUrl, TestConsumer } from '../../../../libs/integration/src/testing/broker';
import { ShopClient } from '../checkout/shop-client';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';

// Its own file: the API reads its configuration once per test file.
describe('inbound: the warehouse ships orders over RabbitMQ', () => {
  const inboundExchange = `test.partners.${randomUUID()}`;
  const queue = `test.eventshop.inbound.${randomUUID()}`;
  let outbound: TestConsumer;
  let api: ApiUnderTest;
  const publish = async (body: unknown, id = randomUUID(), type = 'warehouse.shipment.dispatched.v1') => {
    const model = await connect(brokerUrl());
    const channel = await model.createConfirmChannel();
    channel.publish(inboundExchange, type, Buffer.from(JSON.stringify(body)), {
      messageId: id,
      persistent: true,
    });
    await channel.waitForConfirms();
    await model.close();
    return id;
  };

  beforeAll(async () => {
    // Every type bound: an unbound type would come back (mandatory) and hold up the publisher.
    outbound = await TestConsumer.start('shop.#');
    api = await startApiUnderTest({
      RATE_LIMIT_PER_USER: '100000',
      RATE_LIMIT_PER_IP: '100000',
      PAYMENT_SIM_LATENCY_MS: '2',
      AMQP_URL: brokerUrl(),
      AMQP_EXCHANGE: outbound.exchange,
      AMQP_INBOUND_EXCHANGE: inboundExchange,
      AMQP_INBOUND_QUEUE: queue,
      INBOUND_MAX_ATTEMPTS: '2',
      INBOUND_RETRY_DELAYS_MS: '50',
    });
  });
  afterAll(async () => {
    await api.close();
    await outbound.close();
    const model = await connect(brokerUrl());
    const channel = await model.createChannel();
    for (const q of [queue, `${queue}.retry.1`, `${queue}.dlq`])
      await channel.deleteQueue(q).catch(() => undefined);
    await channel.deleteExchange(inboundExchange).catch(() => undefined);
    await model.close();
  });

  it('a dispatched shipment marks the order shipped once, however often it is delivered', async () => {
    const clerk = await ShopClient.as(api, 'clerk');
    const productId = await clerk.registerProduct(`SHIP-${randomUUID().slice(0, 8)}`, 250, 5);
    const customer = await ShopClient.as(api, 'customer');
    const orderId = (await customer.placeOrder([{ productId, quantity: 1 }])).body.id as string;
    await eventually(
      async () => (await customer.request('GET', `/v1/orders/${orderId}`)).body.status === 'confirmed',
    );

    const id = await publish({ orderId, dispatchedAt: new Date().toISOString(), carrier: 'DHL' });
    await publish({ orderId, dispatchedAt: new Date().toISOString(), carrier: 'DHL' }, id);
    await eventually(
      async () => (await customer.request('GET', `/v1/orders/${orderId}`)).body.status === 'shipped',
    );
    // The fact goes out again as the public contract, once.
    await eventually(() =>
      outbound.received.some(
        (m) => m.fields.routingKey === 'shop.order.shipped.v1' && m.content.includes(orderId),
      ),
    );
    const { events } = await api.app.get(StreamInspector).readPage(`order-${orderId}`);
    expect(events.filter((e) => e.event.type === 'OrderShipped')).toHaveLength(1);
  });

  it('dead-letters what it cannot use; admins list, replay and purge dead letters over the API', async () => {
    const admin = await ShopClient.as(api, 'admin');
    const unknownOrder = randomUUID();
    await publish({ orderId: 'not-a-uuid', dispatchedAt: 'soon' });
    await publish({ orderId: unknownOrder, dispatchedAt: new Date().toISOString() });
    const letters = await eventually(async () => {
      const res = await admin.request('GET', '/v1/admin/broker/dead-letters');
      return res.status === 200 && (res.body.deadLetters as unknown[]).length === 2 && res.body.deadLetters;
    });
    expect(letters).toEqual([
      expect.objectContaining({
        type: 'warehouse.shipment.dispatched.v1',
        attempts: 1,
        error: expect.stringContaining('uuid'),
      }),
      expect.objectContaining({ attempts: 1, error: expect.stringContaining(unknownOrder) }),
    ]);
    const customer = await ShopClient.as(api, 'customer');
    expect((await customer.request('GET', '/v1/admin/broker/dead-letters')).status).toBe(403);
    expect(
      (await admin.request('POST', '/v1/admin/broker/dead-letters/replay', { ids: ['nope'] })).body,
    ).toEqual({
      replayed: 0,
    });
    expect((await admin.request('DELETE', '/v1/admin/broker/dead-letters')).body).toEqual({ purged: 2 });
    expect((await admin.request('GET', '/v1/admin/broker/dead-letters')).body).toEqual({ deadLetters: [] });
  });

  it("the provider's settlement notice of a confirmed order's charge changes nothing; another amount is refused", async () => {
    const clerk = await ShopClient.as(api, 'clerk');
    const productId = await clerk.registerProduct(`SETTLE-${randomUUID().slice(0, 8)}`, 300, 5);
    const customer = await ShopClient.as(api, 'customer');
    const orderId = (await customer.placeOrder([{ productId, quantity: 2 }])).body.id as string;
    await eventually(
      async () => (await customer.request('GET', `/v1/orders/${orderId}`)).body.status === 'confirmed',
    );
    const inspector = api.app.get(StreamInspector);
    const payment = async () => (await inspector.readPage(`payment-${orderId}`)).events.map((e) => e.event);
    const captured = (await payment()).find((e) => e.type === 'PaymentCaptured');
    const { providerRef } = captured!.data as { providerRef: string };
    const notice = { orderId, providerRef, settledAt: new Date().toISOString() };
    await publish({ ...notice, amountCents: 600 }, randomUUID(), 'payments.charge.settled.v1');
    await publish({ ...notice, amountCents: 601 }, randomUUID(), 'payments.charge.settled.v1');
    const admin = await ShopClient.as(api, 'admin');
    const letters = await eventually(async () => {
      const res = await admin.request('GET', '/v1/admin/broker/dead-letters');
      return (res.body.deadLetters as { type: string; error: string }[]).length === 1 && res.body.deadLetters;
    });
    expect(letters).toEqual([
      expect.objectContaining({ type: 'payments.charge.settled.v1', error: expect.stringContaining('601') }),
    ]);
    expect((await payment()).map((e) => e.type)).toEqual([
      'PaymentRequested',
      'PaymentAuthorized',
      'PaymentCaptured',
    ]);
    expect((await customer.request('GET', `/v1/orders/${orderId}`)).body.status).toBe('confirmed');
  });
});
