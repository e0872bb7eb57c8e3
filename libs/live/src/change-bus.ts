import { type LiveMessage } from './live-message';
import { type ConnectionHost, LiveConnection } from './live-connection';
import { type CloseReason, closeReasons, type LiveSubscription } from './live-subscription';
import { routingKey, routingKeysOf, type LiveTopicName } from './topics';

/** Fans messages out to other processes (Redis pub/sub), and hands theirs to this bus. */
export interface LiveTransport {
  readonly kind: 'in-process' | 'redis';
  /** Starts listening; `receive` is called with the messages other processes published. */
  start(receive: (messages: readonly LiveMessage[]) => void): Promise<void>;
  publish(messages: readonly LiveMessage[]): void;
  /** Whether fan-out works now; the reason when not (then delivery is in-process only). */
  describe(): { transport: 'in-process' | 'redis'; degraded?: string };
  close(): Promise<void>;
}

/** Counts what the bus does (libs/live's Nest module backs it with Prometheus). */
export interface LiveBusMetrics {
  subscribed(topic: LiveTopicName): void;
  unsubscribed(topic: LiveTopicName, reason: CloseReason['code']): void;
  delivered(topic: LiveTopicName): void;
  dropped(topic: LiveTopicName, reason: CloseReason['code']): void;
}

export interface ChangeBusOptions {
  /** Undelivered updates a subscription may hold; one more drops it as a slow consumer. */
  queueLimit: number;
  /** Open connections (SSE streams, WebSockets) one user may hold in this process. */
  maxConnectionsPerUser: number;
}

export class TooManyConnectionsError extends Error {
  readonly code = 'too_many_live_connections';
  constructor(readonly limit: number) {
    super(`at most ${limit} live connections per user; close one first`);
    this.name = 'TooManyConnectionsError';
  }
}

/** The in-process transport: nothing leaves this process. */
export const inProcessTransport = (): LiveTransport => ({
  kind: 'in-process',
  start: () => Promise.resolve(),
  publish: () => undefined,
  describe: () => ({ transport: 'in-process' }),
  close: () => Promise.resolve(),
});

/**
 * The change feed of the read models: projections publish what they committed, subscribers follow topics
 * (see LiveTopics). Delivery never blocks the publisher: each subscription has a bounded queue and is dropped
 * when it overflows. With a fan-out transport, what one process publishes reaches every process's
 * subscribers; this process's own messages are delivered at once, not after the round trip.
 */
export class ChangeBus implements ConnectionHost {
  private readonly byKey = new Map<string, Set<LiveSubscription>>();
  private readonly perUser = new Map<string, number>();
  private readonly connections = new Set<LiveConnection>();
  private closing = false;

  constructor(
    private readonly options: ChangeBusOptions,
    readonly transport: LiveTransport = inProcessTransport(),
    private readonly metrics?: LiveBusMetrics,
  ) {}

  get queueLimit(): number {
    return this.options.queueLimit;
  }

  /** Starts hearing other processes' messages (a no-op in-process). */
  start(): Promise<void> {
    return this.transport.start((messages) => this.deliver(messages));
  }

  /**
   * A connection for `userId`, counted against its limit (TooManyConnectionsError beyond it) until closed.
   * `expiresAt` (the token's expiry) closes it with `token-expired`.
   */
  connect(userId: string, expiresAt?: Date): LiveConnection {
    if (this.closing) throw new Error('the live-updates bus is shutting down');
    const open = this.perUser.get(userId) ?? 0;
    if (open >= this.options.maxConnectionsPerUser)
      throw new TooManyConnectionsError(this.options.maxConnectionsPerUser);
    this.perUser.set(userId, open + 1);
    const connection = new LiveConnection(userId, this, expiresAt);
    this.connections.add(connection);
    return connection;
  }

  /** Publishes committed changes: delivered here at once and fanned out to the other processes. */
  publish(messages: readonly LiveMessage[]): void {
    if (messages.length === 0) return;
    this.deliver(messages);
    this.transport.publish(messages);
  }

  /** Delivers to this process's subscribers only. */
  deliver(messages: readonly LiveMessage[]): void {
    for (const message of messages) {
      for (const key of routingKeysOf(message)) {
        const subscribers = this.byKey.get(key);
        if (!subscribers) continue;
        for (const subscription of [...subscribers]) {
          if (subscription.deliver(message)) this.metrics?.delivered(subscription.topic.name);
        }
      }
    }
  }

  /** Subscriptions open in this process. */
  get active(): number {
    let count = 0;
    for (const set of this.byKey.values()) count += set.size;
    return count;
  }

  /** Ends every connection with `shutting-down` and stops the transport. */
  async close(): Promise<void> {
    this.closing = true;
    for (const connection of [...this.connections]) connection.close(closeReasons.shuttingDown());
    await this.transport.close();
  }

  attach(subscription: LiveSubscription): void {
    const key = routingKey(subscription.topic);
    let set = this.byKey.get(key);
    if (!set) this.byKey.set(key, (set = new Set()));
    set.add(subscription);
    this.metrics?.subscribed(subscription.topic.name);
  }

  detach(subscription: LiveSubscription, reason: CloseReason): void {
    const key = routingKey(subscription.topic);
    const set = this.byKey.get(key);
    if (set?.delete(subscription) && set.size === 0) this.byKey.delete(key);
    this.metrics?.unsubscribed(subscription.topic.name, reason.code);
    if (reason.code === 'slow-consumer') this.metrics?.dropped(subscription.topic.name, reason.code);
  }

  released(connection: LiveConnection): void {
    if (!this.connections.delete(connection)) return;
    const open = (this.perUser.get(connection.userId) ?? 1) - 1;
    if (open <= 0) this.perUser.delete(connection.userId);
    else this.perUser.set(connection.userId, open);
  }
}
