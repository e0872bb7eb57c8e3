import { randomUUID } from 'node:crypto';
import { eventually } from '@shop/testing';
import {
  AmqpPublisher,
  type BrokerState,
  BrokerUnavailableError,
  type OutgoingMessage,
} from './amqp-publisher';
import { brokerEndpoint, brokerUrl, TestConsumer } from './testing/broker';
import { TcpProxy } from './testing/tcp-proxy';

const message = (routingKey = 'shop.order.placed.v1', id = randomUUID()): OutgoingMessage => ({
  routingKey,
  content: Buffer.from(JSON.stringify({ id })),
  properties: { messageId: id, type: routingKey, contentType: 'application/json' },
});

describe('AmqpPublisher against the real RabbitMQ', () => {
  const closing: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    // Newest first: the publisher before the proxy it talks through.
    for (const c of closing.splice(0).reverse()) await c.close();
  });
  const track = <T extends { close(): Promise<void> }>(c: T): T => (closing.push(c), c);

  it('resolves once the broker confirmed; the message is persistent and carries its id', async () => {
    const consumer = track(await TestConsumer.start('shop.#'));
    const publisher = track(new AmqpPublisher({ url: brokerUrl(), exchange: consumer.exchange }));
    const sent = [message(), message('shop.order.confirmed.v1')];
    await publisher.publish(sent);
    await eventually(() => consumer.received.length === 2);
    expect(consumer.received.map((m) => [m.fields.routingKey, String(m.properties.messageId)])).toEqual(
      sent.map((m) => [m.routingKey, m.properties.messageId]),
    );
    expect(consumer.received[0]!.properties.deliveryMode).toBe(2);
  });

  it('fails a message no queue is bound for (returned, mandatory) instead of dropping it', async () => {
    const consumer = track(await TestConsumer.start('shop.order.#'));
    const failed: string[] = [];
    const publisher = track(
      new AmqpPublisher(
        { url: brokerUrl(), exchange: consumer.exchange },
        { onConfirmFailed: (reason) => failed.push(reason) },
      ),
    );
    const error = await publisher.publish([message('shop.report.ready.v1')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrokerUnavailableError);
    expect((error as Error).message).toContain('no queue is bound for shop.report.ready.v1');
    expect(failed).toHaveLength(1);
    // The same link goes on working for routable messages.
    await publisher.publish([message()]);
    await eventually(() => consumer.received.length === 1);
  });

  it('rides out a cut connection: fails while the broker is away, the breaker opens, then it resumes', async () => {
    const consumer = track(await TestConsumer.start('shop.#'));
    const { host, port, withPort } = brokerEndpoint();
    const proxy = track(await TcpProxy.start(host, port));
    const states: BrokerState[] = [];
    const publisher = track(
      new AmqpPublisher(
        {
          url: withPort(proxy.port),
          exchange: consumer.exchange,
          breakerThreshold: 2,
          breakerHalfOpenAfterMs: 200,
        },
        { onBreakerStateChange: (s) => states.push(s) },
      ),
    );
    await publisher.publish([message()]);

    proxy.cut({ refuse: true });
    for (let i = 0; i < 3; i++) {
      await expect(publisher.publish([message()])).rejects.toBeInstanceOf(BrokerUnavailableError);
    }
    expect(publisher.state).toBe('open');

    proxy.restore();
    const after = message();
    await eventually(async () => {
      const ok = await publisher.publish([after]).then(
        () => true,
        () => false,
      );
      return ok;
    });
    expect(publisher.state).toBe('closed');
    expect(states).toEqual(expect.arrayContaining(['open', 'half-open', 'closed']));
    await eventually(() =>
      consumer.received.some((m) => m.properties.messageId === after.properties.messageId),
    );
  });
});
