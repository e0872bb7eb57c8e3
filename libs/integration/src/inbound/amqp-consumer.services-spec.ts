import { eventually } from '@shop/testing';
import { connect } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { type Harness, startHarness } from '../../../embedded-mongo/src/testing/harness';
import { brokerUrl } from '../testing/broker';
import { AmqpConsumer, type AmqpConsumerSettings } from './amqp-consumer';
import { inboundContract, type InboundMessage } from './inbound-contract';
import { Inbox } from './inbox';
import schema from './schemas/warehouse.shipment.dispatched.v1.schema.json';

const TYPE = 'warehouse.shipment.dispatched.v1';

describe('the inbound consumer against the real RabbitMQ', () => {
  let mongo: Harness;
  const consumers: AmqpConsumer[] = [];
  const queues: string[] = [];
  beforeAll(async () => {
    mongo = await startHarness();
  });
  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    const model = await connect(brokerUrl());
    const channel = await model.createChannel();
    for (const q of queues) await channel.deleteQueue(q).catch(() => undefined);
    await model.close();
    await mongo.close();
  });

  /** A consumer on its own exchange and queues whose contract applies with `apply`. */
  const start = async (apply: (m: InboundMessage<{ orderId: string }>) => Promise<void>) => {
    const settings: AmqpConsumerSettings = {
      url: brokerUrl(),
      exchange: `test.partners.${randomUUID()}`,
      queue: `test.inbound.${randomUUID()}`,
      prefetch: 4,
      maxAttempts: 3,
      retryDelaysMs: [50, 100],
    };
    const consumer = new AmqpConsumer(
      settings,
      [inboundContract(TYPE, schema, apply)],
      new Inbox(mongo.client.db(`inbox-${randomUUID().slice(0, 8)}`)),
      { warn: () => undefined },
    );
    consumers.push(consumer);
    queues.push(settings.queue, consumer.deadLetterQueue, ...consumer.retryQueues);
    await consumer.start();
    const model = await connect(brokerUrl());
    const channel = await model.createConfirmChannel();
    const send = async (body: unknown, id: string | null = randomUUID()) => {
      channel.publish(
        settings.exchange,
        TYPE,
        Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
        {
          ...(id ? { messageId: id } : {}),
          persistent: true,
        },
      );
      await channel.waitForConfirms();
      return id;
    };
    return { consumer, send, close: () => model.close() };
  };
  const dispatched = (orderId = randomUUID()) => ({ orderId, dispatchedAt: '2026-12-04T12:00:00.000Z' });

  it('applies a message once: a redelivery with the same id is acknowledged without applying it', async () => {
    const applied: string[] = [];
    const { consumer, send, close } = await start((m) => {
      applied.push(m.data.orderId);
      return Promise.resolve();
    });
    const body = dispatched();
    const id = await send(body);
    await eventually(() => applied.length === 1);
    await send(body, id);
    const other = dispatched();
    await send(other);
    await eventually(() => applied.length === 2);
    expect(applied).toEqual([body.orderId, other.orderId]);
    expect(await consumer.listDeadLetters()).toEqual([]);
    await close();
  });

  it('dead-letters a malformed message at once, with the reason, and keeps consuming', async () => {
    const applied: string[] = [];
    const { consumer, send, close } = await start((m) => {
      applied.push(m.data.orderId);
      return Promise.resolve();
    });
    await send({ orderId: 'not-a-uuid', dispatchedAt: 'yesterday' });
    await send('{not json');
    await send(dispatched(), null);
    const ok = dispatched();
    await send(ok);
    await eventually(() => applied.length === 1);
    const letters = await eventually(async () => {
      const l = await consumer.listDeadLetters();
      return l.length === 3 && l;
    });
    // Consumed with prefetch 4, so they reach the DLQ in any order.
    const errors = letters.map((l) => `${l.attempts} ${l.error}`).sort();
    expect(errors).toEqual([
      expect.stringMatching(/^1 the message has no id/),
      expect.stringMatching(
        /^1 warehouse.shipment.dispatched.v1: \/dispatchedAt must match format "date-time"|^1 warehouse.shipment.dispatched.v1: \/orderId must match format "uuid"/,
      ),
      expect.stringMatching(/^1 warehouse.shipment.dispatched.v1: the body is not JSON/),
    ]);
    expect(errors.join('\n')).toMatch(
      /\/orderId must match format "uuid".*\/dispatchedAt must match format "date-time"/,
    );
    // Listing leaves them there.
    expect(await consumer.listDeadLetters()).toHaveLength(3);
    expect(await consumer.purgeDeadLetters()).toBe(3);
    expect(await consumer.listDeadLetters()).toEqual([]);
    await close();
  });

  it('retries a failing message through the delay queues, dead-letters it after N attempts, replays it after a fix', async () => {
    let fixed = false;
    const attempts: number[] = [];
    const applied: string[] = [];
    const { consumer, send, close } = await start((m) => {
      attempts.push(m.attempt);
      if (!fixed) return Promise.reject(new Error('the warehouse adapter is broken'));
      applied.push(m.data.orderId);
      return Promise.resolve();
    });
    const poison = dispatched();
    const id = await send(poison);
    const [letter] = await eventually(async () => {
      const l = await consumer.listDeadLetters();
      return l.length === 1 && l;
    });
    expect(attempts).toEqual([1, 2, 3]);
    expect(letter).toMatchObject({
      id: id!,
      type: TYPE,
      attempts: 3,
      error: 'the warehouse adapter is broken',
    });
    expect(letter!.failedAt).toMatch(/^\d{4}-/);

    fixed = true;
    expect(await consumer.replayDeadLetters([id!])).toBe(1);
    await eventually(() => applied.length === 1);
    expect(applied).toEqual([poison.orderId]);
    expect(attempts.at(-1)).toBe(1);
    expect(await consumer.listDeadLetters()).toEqual([]);
    await close();
  });
});
