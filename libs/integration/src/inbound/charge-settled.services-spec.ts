import { type AggregateStore } from '@shop/eventstore';
import {
  chargeIdempotencyKey,
  paymentDecider,
  paymentStreamName,
  recordFailure,
  requestPayment,
} from '@shop/payments';
import { eventually } from '@shop/testing';
import { connect } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { type Harness, startHarness } from '../../../embedded-mongo/src/testing/harness';
import { startTestEventStore, type TestEventStore } from '../../../eventstore/src/testing/embedded-store';
import { brokerUrl } from '../testing/broker';
import { AmqpConsumer } from './amqp-consumer';
import { chargeSettled } from './charge-settled';
import { Inbox } from './inbox';

const TYPE = 'payments.charge.settled.v1';

describe('payments.charge.settled.v1: the provider settles payments over the real RabbitMQ', () => {
  let mongo: Harness;
  let es: TestEventStore;
  let store: AggregateStore;
  let consumer: AmqpConsumer;
  const exchange = `test.partners.${randomUUID()}`;
  const queue = `test.inbound.${randomUUID()}`;

  beforeAll(async () => {
    [mongo, es] = await Promise.all([startHarness(), startTestEventStore()]);
    store = es.services().store;
    consumer = new AmqpConsumer(
      { url: brokerUrl(), exchange, queue, prefetch: 4, maxAttempts: 2, retryDelaysMs: [50] },
      [chargeSettled(store)],
      new Inbox(mongo.client.db(`inbox-${randomUUID().slice(0, 8)}`)),
      { warn: () => undefined },
    );
    await consumer.start();
  });
  afterAll(async () => {
    await consumer.stop();
    const model = await connect(brokerUrl());
    const channel = await model.createChannel();
    for (const q of [queue, consumer.deadLetterQueue, ...consumer.retryQueues])
      await channel.deleteQueue(q).catch(() => undefined);
    await channel.deleteExchange(exchange).catch(() => undefined);
    await model.close();
    await Promise.all([mongo.close(), es.stop()]);
  });

  const send = async (body: unknown, id = randomUUID()) => {
    const model = await connect(brokerUrl());
    const channel = await model.createConfirmChannel();
    channel.publish(exchange, TYPE, Buffer.from(JSON.stringify(body)), { messageId: id, persistent: true });
    await channel.waitForConfirms();
    await model.close();
    return id;
  };
  const now = { now: new Date('2026-12-06T10:00:00.000Z') };
  /** A payment of 2500 cents, requested and then (optionally) failed without an answer from the provider. */
  const payment = async (outcomeUnknown: boolean) => {
    const orderId = randomUUID();
    const stream = paymentStreamName(orderId);
    await store.handle(
      paymentDecider,
      stream,
      requestPayment({ orderId, amountCents: 2500, currency: 'EUR' }, now),
    );
    if (outcomeUnknown) {
      const failure = { orderId, reason: 'provider unavailable: timeout', outcomeUnknown: true };
      await store.handle(paymentDecider, stream, recordFailure(failure, now));
    }
    return { orderId, stream };
  };
  const typesOf = async (stream: string) =>
    (await es.services().inspector.readPage(stream, { pageSize: 100 })).events.map((e) => e.event.type);
  const settlement = (orderId: string, patch: Record<string, unknown> = {}) => ({
    orderId,
    providerRef: `ch_${orderId.slice(0, 8)}`,
    amountCents: 2500,
    currency: 'EUR',
    idempotencyKey: chargeIdempotencyKey(orderId),
    settledAt: '2026-12-06T10:00:05.000Z',
    ...patch,
  });

  it('reconciles a payment whose outcome was unknown and refunds it, once however often it arrives', async () => {
    const { orderId, stream } = await payment(true);
    const id = await send(settlement(orderId));
    await send(settlement(orderId), id);
    await send(settlement(orderId)); // the provider's own repeat, under a new message id: a no-op command
    await eventually(async () => (await typesOf(stream)).includes('PaymentRefundRequested'));
    const { state } = await store.load(paymentDecider, stream);
    expect(state).toMatchObject({ status: 'refund_requested', providerRef: `ch_${orderId.slice(0, 8)}` });
    // Wait for the last message to be through before counting: nothing more was written.
    await eventually(async () => (await consumer.listDeadLetters()).length === 0);
    expect(await typesOf(stream)).toEqual([
      'PaymentRequested',
      'PaymentFailed',
      'PaymentReconciled',
      'PaymentRefundRequested',
    ]);
  });

  it('captures a payment whose charge is still in flight', async () => {
    const { orderId, stream } = await payment(false);
    await send(settlement(orderId));
    await eventually(async () => (await typesOf(stream)).includes('PaymentCaptured'));
    expect(await typesOf(stream)).toEqual(['PaymentRequested', 'PaymentAuthorized', 'PaymentCaptured']);
  });

  it('dead-letters a settlement of another amount, of another key, or of no payment, with the reason', async () => {
    const { orderId, stream } = await payment(false);
    const stranger = randomUUID();
    await send(settlement(orderId, { amountCents: 2400 }));
    await send(settlement(orderId, { idempotencyKey: `payment:${stranger}:charge` }));
    await send(settlement(stranger));
    await send(settlement(orderId, { amountCents: '2500' }));
    const letters = await eventually(async () => {
      const l = await consumer.listDeadLetters();
      return l.length === 4 && l;
    });
    expect(letters.map((l) => l.error)).toEqual([
      expect.stringContaining('2400 cents'),
      expect.stringContaining('is not the charge key'),
      expect.stringContaining(stranger),
      expect.stringContaining('/amountCents must be integer'),
    ]);
    expect(await typesOf(stream)).toEqual(['PaymentRequested']);
    expect(await consumer.purgeDeadLetters()).toBe(4);
  });
});
