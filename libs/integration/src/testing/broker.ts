import { randomUUID } from 'node:crypto';
import { connect, type Channel, type ChannelModel, type ConsumeMessage, type Message } from 'amqplib';

/** The local RabbitMQ every development and CI machine runs (AMQP_URL overrides it). */
export const brokerUrl = (): string => process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';

export const brokerEndpoint = (): { host: string; port: number; withPort(port: number): string } => {
  const url = new URL(brokerUrl());
  return {
    host: url.hostname,
    port: Number(url.port) || 5672,
    withPort: (port: number) => {
      const copy = new URL(brokerUrl());
      copy.hostname = '127.0.0.1';
      copy.port = String(port);
      return copy.toString();
    },
  };
};

/** Test-only: a consumer on its own exchange and exclusive queue, collecting what arrives. */
export class TestConsumer {
  readonly received: ConsumeMessage[] = [];
  private constructor(
    private readonly model: ChannelModel,
    private readonly channel: Channel,
    readonly exchange: string,
  ) {}

  /** A fresh topic exchange (unique per test) and a queue bound to `pattern` on it. */
  static async start(pattern = '#', exchange = `test.shop.events.${randomUUID()}`): Promise<TestConsumer> {
    const model = await connect(brokerUrl());
    const channel = await model.createChannel();
    await channel.assertExchange(exchange, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, exchange, pattern);
    const consumer = new TestConsumer(model, channel, exchange);
    await channel.consume(
      queue,
      (message) => {
        if (message) consumer.received.push(message);
      },
      { noAck: true },
    );
    return consumer;
  }

  async close(): Promise<void> {
    await this.channel.deleteExchange(this.exchange).catch(() => undefined);
    await this.model.close().catch(() => undefined);
  }
}

/** The CloudEvents `subject` header of a received message. */
export const subjectOf = (message: Message): string =>
  String(message.properties.headers?.['cloudEvents:subject']);
