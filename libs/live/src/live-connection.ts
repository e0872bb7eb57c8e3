import { type CloseReason, closeReasons, LiveSubscription } from './live-subscription';
import { type LiveTopic } from './topics';

/** What the bus needs from a connection's owner: where subscriptions register and how a close is counted. */
export interface ConnectionHost {
  readonly queueLimit: number;
  attach(subscription: LiveSubscription): void;
  detach(subscription: LiveSubscription, reason: CloseReason): void;
  released(connection: LiveConnection): void;
}

export interface SubscribeOptions {
  /** Deliver only changes owned by this customer (a customer's own subscription; staff pass none). */
  readonly ownerId?: string;
}

/**
 * One client connection (an SSE response, a WebSocket): counted against its user's limit, closed when its
 * token expires, and the owner of its subscriptions (closing it closes them with the same reason).
 */
export class LiveConnection {
  private readonly subscriptions = new Set<LiveSubscription>();
  private reason?: CloseReason;
  private expiry?: NodeJS.Timeout;
  private resolveClosed!: (reason: CloseReason) => void;
  readonly closed = new Promise<CloseReason>((resolve) => (this.resolveClosed = resolve));

  constructor(
    readonly userId: string,
    private readonly host: ConnectionHost,
    expiresAt?: Date,
  ) {
    if (expiresAt) {
      const ms = expiresAt.getTime() - Date.now();
      // setTimeout holds at most ~24.8 days; tokens live far shorter (JWT_MAX_LIFETIME_SECONDS).
      this.expiry = setTimeout(
        () => this.close(closeReasons.tokenExpired()),
        Math.max(0, Math.min(ms, 2 ** 31 - 1)),
      );
      this.expiry.unref();
    }
  }

  get closeReason(): CloseReason | undefined {
    return this.reason;
  }

  subscribe(topic: LiveTopic, options: SubscribeOptions = {}): LiveSubscription {
    if (this.reason) throw new Error(`the connection is closed (${this.reason.message})`);
    const subscription = new LiveSubscription(topic, this.host.queueLimit, options.ownerId, (sub, reason) => {
      this.subscriptions.delete(sub);
      this.host.detach(sub, reason);
    });
    this.subscriptions.add(subscription);
    this.host.attach(subscription);
    return subscription;
  }

  close(reason: CloseReason = closeReasons.unsubscribed()): void {
    if (this.reason) return;
    this.reason = reason;
    clearTimeout(this.expiry);
    for (const subscription of [...this.subscriptions]) subscription.close(reason);
    this.host.released(this);
    this.resolveClosed(reason);
  }
}
