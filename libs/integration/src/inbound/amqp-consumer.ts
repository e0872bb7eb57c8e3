import { isDomainError } from '@shop/event-sourcing';
import {
  connect,
  type Channel,
  type ChannelModel,
  type ConfirmChannel,
  type ConsumeMessage,
  type Message,
} from 'amqplib';
import { messageOf } from '../error-message';
import type { InboundContract, InboundMessage } from './inbound-contract';
import type { Inbox } from './inbox';

export interface AmqpConsumerSettings {
  readonly url: string;
  /** The topic exchange partners publish their events to; declared (durable) on connect. */
  readonly exchange: string;
  /** The durable queue of this service; retry queues `<queue>.retry.<n>` and the dead letters `<queue>.dlq`. */
  readonly queue: string;
  /** Unacknowledged messages in flight per consumer. */
  readonly prefetch: number;
  /** Attempts before a failing message is dead-lettered (the first delivery included). */
  readonly maxAttempts: number;
  /** Delay before each retry (the last one repeats); a delay queue per step, so no message waits behind another. */
  readonly retryDelaysMs: readonly number[];
}

/** Refuses a message for good (bad payload, a refused command): dead-lettered at once, never retried. */
export class PermanentFailure extends Error {}

export interface DeadLetter {
  readonly id: string;
  readonly type: string;
  readonly attempts: number;
  readonly error: string;
  readonly failedAt: string;
  readonly body: string;
}

/** A header's text ('' when absent or not text). */
const text = (value: unknown, fallback = ''): string =>
  typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : fallback;

const TYPE = 'x-inbound-type';
const ATTEMPT = 'x-inbound-attempt';
const ERROR = 'x-inbound-error';
const FAILED_AT = 'x-inbound-failed-at';

/** A refusal by the domain (validation, not found, a rule) would be refused again: no point retrying. */
const isPermanent = (error: unknown): boolean =>
  error instanceof PermanentFailure ||
  (isDomainError(error) && ['validation', 'not_found', 'rule_violated'].includes(error.category));

/**
 * Consumes partners' events from RabbitMQ with manual acks and a bounded prefetch. Each message is checked
 * (an id, JSON, its contract's schema), applied once (the inbox remembers applied ids; the command's
 * idempotency key derives from the id too), and acknowledged only after that. A failure is retried through
 * delay queues (per-queue TTL dead-lettering back to the main queue) with growing delays, then after
 * `maxAttempts` dead-lettered to `<queue>.dlq` with its error; a permanent failure goes there at once.
 * Every move to a retry queue or the DLQ is confirmed by the broker before the original is acked.
 */
export class AmqpConsumer {
  private model?: ChannelModel;
  private channel?: Channel;
  private publisher?: ConfirmChannel;
  private readonly contracts: Map<string, InboundContract>;
  private consuming = false;
  private restartTimer?: NodeJS.Timeout;
  private restarts = 0;

  constructor(
    private readonly settings: AmqpConsumerSettings,
    contracts: readonly InboundContract[],
    /** null: an instance for dead-letter operations only (the CLI), which cannot consume. */
    private readonly inbox: Inbox | null,
    private readonly log: { warn(message: string): void } = console,
  ) {
    this.contracts = new Map(contracts.map((c) => [c.type, c]));
  }

  get retryQueues(): string[] {
    return this.settings.retryDelaysMs.map((_, i) => `${this.settings.queue}.retry.${i + 1}`);
  }

  get deadLetterQueue(): string {
    return `${this.settings.queue}.dlq`;
  }

  /**
   * Declares the topology and starts consuming; after the connection is lost (or cannot be made) it tries
   * again with growing delays until `stop`. Unacked messages are redelivered by the broker meanwhile.
   */
  async start(): Promise<void> {
    if (!this.inbox) throw new Error('the inbound consumer needs an inbox to consume');
    this.consuming = true;
    try {
      await this.consume();
    } catch (error) {
      this.log.warn(`inbound consumer: ${messageOf(error)}; trying again`);
      this.forget();
      this.scheduleRestart();
    }
  }

  async stop(): Promise<void> {
    this.consuming = false;
    clearTimeout(this.restartTimer);
    const model = this.model;
    this.forget();
    await model?.close().catch(() => undefined);
  }

  private async consume(): Promise<void> {
    const { model, publisher } = await this.openTopology();
    const channel = await model.createChannel();
    await channel.prefetch(this.settings.prefetch);
    this.channel = channel;
    await channel.consume(this.settings.queue, (message) => {
      if (message) void this.receive(channel, publisher, message);
    });
    this.restarts = 0;
    model.once('close', () => {
      if (this.model !== model) return;
      this.forget();
      if (this.consuming) {
        this.log.warn('inbound consumer: the broker connection closed; reconnecting');
        this.scheduleRestart();
      }
    });
  }

  private forget(): void {
    this.model = this.channel = this.publisher = undefined;
  }

  private scheduleRestart(): void {
    if (!this.consuming) return;
    const delay = Math.min(30_000, 250 * 2 ** Math.min(this.restarts++, 7));
    this.restartTimer = setTimeout(() => void this.start(), delay);
    this.restartTimer.unref();
  }

  /** The dead letters, oldest first (read and put back: the queue is unchanged). */
  async listDeadLetters(limit = 100): Promise<DeadLetter[]> {
    return this.withDeadLetters(limit, (channel, messages) => {
      for (const m of messages) channel.nack(m, false, true);
      return Promise.resolve(messages.map(toDeadLetter));
    });
  }

  /** Sends dead letters (all, or those with the given ids) back to the queue for a fresh set of attempts. */
  async replayDeadLetters(ids?: readonly string[]): Promise<number> {
    const { publisher } = await this.openTopology();
    return this.withDeadLetters(Number.MAX_SAFE_INTEGER, async (channel, messages) => {
      let replayed = 0;
      for (const m of messages) {
        const letter = toDeadLetter(m);
        if (ids && !ids.includes(letter.id)) {
          channel.nack(m, false, true);
          continue;
        }
        await this.send(publisher, this.settings.queue, m, { [ATTEMPT]: 1 }, [ERROR, FAILED_AT]);
        channel.ack(m);
        replayed++;
      }
      return replayed;
    });
  }

  /** Drops every dead letter; returns how many there were. */
  async purgeDeadLetters(): Promise<number> {
    const { model } = await this.openTopology();
    const channel = await model.createChannel();
    try {
      return (await channel.purgeQueue(this.deadLetterQueue)).messageCount;
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  private async receive(channel: Channel, publisher: ConfirmChannel, message: ConsumeMessage): Promise<void> {
    const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
    const type = text(headers[TYPE], message.fields.routingKey);
    const attempt = Number(headers[ATTEMPT] ?? 1);
    try {
      const id = inboundId(message);
      const inbox = this.inbox as Inbox;
      if (await inbox.has(id)) return channel.ack(message);
      const contract = this.contracts.get(type);
      if (!contract) throw new PermanentFailure(`no contract for ${type}`);
      const inbound: InboundMessage = { id, type, data: contract.parse(message.content), attempt };
      await contract.apply(inbound);
      await inbox.record(id, type);
      channel.ack(message);
    } catch (error) {
      await this.fail(channel, publisher, message, type, attempt, error);
    }
  }

  private async fail(
    channel: Channel,
    publisher: ConfirmChannel,
    message: ConsumeMessage,
    type: string,
    attempt: number,
    error: unknown,
  ): Promise<void> {
    const retryQueues = this.retryQueues;
    const dead = isPermanent(error) || attempt >= this.settings.maxAttempts;
    const target = dead ? this.deadLetterQueue : retryQueues[Math.min(attempt, retryQueues.length) - 1]!;
    const headers = dead
      ? { [TYPE]: type, [ATTEMPT]: attempt, [ERROR]: messageOf(error), [FAILED_AT]: new Date().toISOString() }
      : { [TYPE]: type, [ATTEMPT]: attempt + 1, [ERROR]: messageOf(error) };
    try {
      await this.send(publisher, target, message, headers);
      channel.ack(message);
      if (dead)
        this.log.warn(`inbound ${type} dead-lettered after ${attempt} attempt(s): ${messageOf(error)}`);
    } catch (sendError) {
      // Not moved: the broker redelivers it (the channel keeps it unacked until it closes).
      this.log.warn(`inbound ${type}: could not move the message (${messageOf(sendError)}); it stays queued`);
      channel.nack(message, false, true);
    }
  }

  /** Publishes a copy of `message` to `queue` (default exchange) and waits for the broker's confirm. */
  private send(
    publisher: ConfirmChannel,
    queue: string,
    message: Message,
    headers: Record<string, unknown>,
    drop: readonly string[] = [],
  ): Promise<void> {
    const merged: Record<string, unknown> = { ...message.properties.headers, ...headers };
    for (const name of drop) delete merged[name];
    return new Promise((resolve, reject) =>
      publisher.sendToQueue(
        queue,
        message.content,
        { ...message.properties, headers: merged, persistent: true },
        (error) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve()),
      ),
    );
  }

  private async withDeadLetters<T>(
    limit: number,
    use: (channel: Channel, messages: Message[]) => Promise<T>,
  ): Promise<T> {
    const { model } = await this.openTopology();
    const channel = await model.createChannel();
    try {
      const messages: Message[] = [];
      while (messages.length < limit) {
        const message = await channel.get(this.deadLetterQueue, { noAck: false });
        if (!message) break;
        messages.push(message);
      }
      return await use(channel, messages);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  private async openTopology(): Promise<{ model: ChannelModel; publisher: ConfirmChannel }> {
    if (this.model && this.publisher) return { model: this.model, publisher: this.publisher };
    const model = await connect(this.settings.url, {
      clientProperties: { connection_name: 'eventshop inbound consumer' },
      timeout: 5_000,
    });
    model.on('error', () => undefined);
    const publisher = await model.createConfirmChannel();
    const { exchange, queue } = this.settings;
    await publisher.assertExchange(exchange, 'topic', { durable: true });
    await publisher.assertQueue(queue, { durable: true });
    for (const type of this.contracts.keys()) await publisher.bindQueue(queue, exchange, type);
    for (const [i, retryQueue] of this.retryQueues.entries()) {
      await publisher.assertQueue(retryQueue, {
        durable: true,
        arguments: {
          'x-message-ttl': this.settings.retryDelaysMs[i],
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': queue,
        },
      });
    }
    await publisher.assertQueue(this.deadLetterQueue, { durable: true });
    this.model = model;
    this.publisher = publisher;
    return { model, publisher };
  }
}

/** The message's id: the AMQP message-id, else the CloudEvents id; none is a permanent failure. */
const inboundId = (message: Message): string => {
  const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
  const id = (message.properties.messageId as unknown) ?? headers['cloudEvents:id'];
  if (typeof id !== 'string' || id.length === 0 || id.length > 200)
    throw new PermanentFailure('the message has no id (message-id or cloudEvents:id)');
  return id;
};

const toDeadLetter = (message: Message): DeadLetter => {
  const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
  let id = '';
  try {
    id = inboundId(message);
  } catch {
    id = '(none)';
  }
  return {
    id,
    type: text(headers[TYPE], message.fields.routingKey),
    attempts: Number(headers[ATTEMPT] ?? 1),
    error: text(headers[ERROR]),
    failedAt: text(headers[FAILED_AT]),
    body: message.content.toString('utf8').slice(0, 2_000),
  };
};
