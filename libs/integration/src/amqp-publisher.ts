import { UnavailableError } from '@shop/event-sourcing';
import { connect, type ChannelModel, type ConfirmChannel, type Message, type Options } from 'amqplib';
import {
  CircuitState,
  circuitBreaker,
  ConsecutiveBreaker,
  type CircuitBreakerPolicy,
  handleAll,
} from 'cockatiel';
import { messageOf } from './error-message';

/** A message for the topic exchange: routed by `routingKey`, identified by `properties.messageId`. */
export interface OutgoingMessage {
  readonly routingKey: string;
  readonly content: Buffer;
  readonly properties: Options.Publish & { messageId: string };
}

export interface AmqpPublisherSettings {
  /** amqp:// or amqps:// URL with credentials and vhost. */
  readonly url: string;
  /** The durable topic exchange, declared on connect. */
  readonly exchange: string;
  /** A confirm not received within this fails the publish (the connection is dropped and made anew). */
  readonly confirmTimeoutMs?: number;
  /** Consecutive failed publishes that open the breaker, and how long it stays open before one try. */
  readonly breakerThreshold?: number;
  readonly breakerHalfOpenAfterMs?: number;
}

export type BrokerState = 'closed' | 'open' | 'half-open';

export interface AmqpPublisherHooks {
  onConfirmFailed?(reason: string): void;
  onBreakerStateChange?(state: BrokerState): void;
}

/** The broker did not take the message (down, refused, no confirm, or nothing bound for it). Retried. */
export class BrokerUnavailableError extends UnavailableError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super('broker_unavailable', `The message broker did not confirm the message: ${reason}`, {}, options);
  }
}

interface Link {
  readonly model: ChannelModel;
  readonly channel: ConfirmChannel;
  /** Message ids the broker returned as unroutable (`mandatory`), reported before their confirm. */
  readonly returned: Set<string>;
}

/**
 * Publishes to RabbitMQ with publisher confirms: `publish` resolves only when the broker has taken every
 * message (persistent, so a durable queue keeps them). A message no queue is bound for comes back
 * (`mandatory`) and fails like a refused one: nothing is dropped silently. The connection is made on first use
 * and again after it closes; a circuit breaker fails fast while the broker is down, and callers retry.
 */
export class AmqpPublisher {
  private link?: Promise<Link>;
  /** The link in use once open; cleared at once when it closes, so no publish goes to a dead channel. */
  private current?: Link;
  private readonly breaker: CircuitBreakerPolicy;
  private closed = false;

  constructor(
    private readonly settings: AmqpPublisherSettings,
    private readonly hooks: AmqpPublisherHooks = {},
  ) {
    this.breaker = circuitBreaker(handleAll, {
      halfOpenAfter: settings.breakerHalfOpenAfterMs ?? 5_000,
      breaker: new ConsecutiveBreaker(settings.breakerThreshold ?? 5),
    });
    this.breaker.onStateChange((state) => this.hooks.onBreakerStateChange?.(brokerState(state)));
  }

  get state(): BrokerState {
    return brokerState(this.breaker.state);
  }

  /** Resolves when the broker confirmed every message; otherwise fails with BrokerUnavailableError. */
  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    try {
      await this.breaker.execute(() => this.publishConfirmed(messages));
    } catch (error) {
      if (error instanceof BrokerUnavailableError) throw error;
      throw new BrokerUnavailableError(error instanceof Error ? error.message : String(error), {
        cause: error,
      });
    }
  }

  /** Closes the connection; bounded, so a shutdown never waits on a broker that stopped answering. */
  async close(): Promise<void> {
    this.closed = true;
    const link = await this.link?.catch(() => undefined);
    this.link = undefined;
    this.current = undefined;
    if (!link) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      link.model.close().catch(() => undefined),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
  }

  private async publishConfirmed(messages: readonly OutgoingMessage[]): Promise<void> {
    const link = await this.connect();
    const timeoutMs = this.settings.confirmTimeoutMs ?? 10_000;
    const confirms = messages.map(
      (message) =>
        new Promise<void>((resolve, reject) => {
          const { messageId } = message.properties;
          link.returned.delete(messageId);
          const options = { ...message.properties, persistent: true, mandatory: true };
          link.channel.publish(
            this.settings.exchange,
            message.routingKey,
            message.content,
            options,
            (error) => {
              const unroutable = link.returned.delete(messageId);
              if (error) reject(this.confirmFailed(`no confirm (${messageOf(error)})`, error));
              else if (unroutable)
                reject(this.confirmFailed(`no queue is bound for ${message.routingKey} (returned)`));
              else resolve();
            },
          );
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.drop(link);
        reject(this.confirmFailed(`no confirm within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      await Promise.race([Promise.all(confirms), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private confirmFailed(reason: string, cause?: unknown): BrokerUnavailableError {
    this.hooks.onConfirmFailed?.(reason);
    return new BrokerUnavailableError(reason, cause === undefined ? undefined : { cause });
  }

  private connect(): Promise<Link> {
    if (this.closed) return Promise.reject(new BrokerUnavailableError('the publisher is closed'));
    if (!this.link) {
      const link = this.open();
      this.link = link;
      // A failed attempt is forgotten, so the next publish tries again.
      link.catch(() => {
        if (this.link === link) this.link = undefined;
      });
    }
    return this.link;
  }

  private async open(): Promise<Link> {
    const model = await connect(this.settings.url, {
      clientProperties: { connection_name: 'eventshop integration publisher' },
      timeout: CONNECT_TIMEOUT_MS,
    });
    try {
      const channel = await model.createConfirmChannel();
      await channel.assertExchange(this.settings.exchange, 'topic', { durable: true });
      const link: Link = { model, channel, returned: new Set() };
      this.current = link;
      channel.on('return', (message: Message) => {
        const id = message.properties.messageId as unknown;
        if (typeof id === 'string') link.returned.add(id);
      });
      // Errors are followed by close; a closed link is replaced on the next publish.
      model.on('error', () => undefined);
      channel.on('error', () => undefined);
      model.on('close', () => this.forget(link));
      channel.on('close', () => this.drop(link));
      return link;
    } catch (error) {
      await model.close().catch(() => undefined);
      throw error;
    }
  }

  private forget(link: Link): void {
    if (this.current !== link) return;
    this.current = undefined;
    this.link = undefined;
  }

  /** Closes a link that can no longer be trusted (its channel closed, or a confirm never came). */
  private drop(link: Link): void {
    this.forget(link);
    void link.model.close().catch(() => undefined);
  }
}

const CLOSE_TIMEOUT_MS = 2_000;
const CONNECT_TIMEOUT_MS = 5_000;

const brokerState = (state: CircuitState): BrokerState =>
  state === CircuitState.Open || state === CircuitState.Isolated
    ? 'open'
    : state === CircuitState.HalfOpen
      ? 'half-open'
      : 'closed';
