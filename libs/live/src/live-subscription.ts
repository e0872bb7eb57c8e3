import { type LiveMessage } from './live-message';
import { type LiveTopic } from './topics';

/** Why a subscription ended: a stable code for clients and metrics, and a sentence for people. */
export interface CloseReason {
  readonly code: 'slow-consumer' | 'token-expired' | 'shutting-down' | 'unsubscribed' | 'transport-closed';
  readonly message: string;
}

export const closeReasons = {
  slowConsumer: (limit: number): CloseReason => ({
    code: 'slow-consumer',
    message: `dropped: more than ${limit} updates were waiting to be delivered (reconnect with Last-Event-ID to resume)`,
  }),
  tokenExpired: (): CloseReason => ({ code: 'token-expired', message: 'the access token expired' }),
  shuttingDown: (): CloseReason => ({
    code: 'shutting-down',
    message: 'the server is shutting down; reconnect to resume',
  }),
  unsubscribed: (): CloseReason => ({ code: 'unsubscribed', message: 'closed by the subscriber' }),
  transportClosed: (): CloseReason => ({
    code: 'transport-closed',
    message: 'the connection to the subscriber closed',
  }),
} as const;

/**
 * One subscriber's updates of one topic: a bounded queue read as an async iterator. Delivery never waits for
 * the subscriber: an update that finds `limit` undelivered ones queued drops the subscription (a slow or dead
 * subscriber must not hold memory), and the iterator then ends; `closeReason` says why.
 */
export class LiveSubscription implements AsyncIterable<LiveMessage>, AsyncIterator<LiveMessage> {
  private readonly queue: LiveMessage[] = [];
  private waiting?: (result: IteratorResult<LiveMessage>) => void;
  private reason?: CloseReason;
  private resolveClosed!: (reason: CloseReason) => void;
  /** Resolves with the reason once the subscription is closed, whoever closed it. */
  readonly closed = new Promise<CloseReason>((resolve) => (this.resolveClosed = resolve));

  constructor(
    readonly topic: LiveTopic,
    private readonly limit: number,
    /** A customer's subscription: only changes owned by this customer are delivered. */
    readonly ownerId: string | undefined,
    private readonly onClose: (subscription: LiveSubscription, reason: CloseReason) => void,
  ) {}

  get closeReason(): CloseReason | undefined {
    return this.reason;
  }

  get isClosed(): boolean {
    return this.reason !== undefined;
  }

  /** Updates queued, not yet taken by the subscriber. */
  get buffered(): number {
    return this.queue.length;
  }

  /** Called by the bus; false when the message was not accepted (closed, or it closed the subscription). */
  deliver(message: LiveMessage): boolean {
    if (this.reason) return false;
    if (this.ownerId !== undefined && message.type === 'change' && message.ownerId !== this.ownerId)
      return false;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: message, done: false });
      return true;
    }
    if (this.queue.length >= this.limit) {
      this.close(closeReasons.slowConsumer(this.limit));
      return false;
    }
    this.queue.push(message);
    return true;
  }

  /** Ends the subscription (idempotent); what was still queued is discarded. */
  close(reason: CloseReason = closeReasons.unsubscribed()): void {
    if (this.reason) return;
    this.reason = reason;
    this.queue.length = 0;
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve?.({ value: undefined, done: true });
    this.onClose(this, reason);
    this.resolveClosed(reason);
  }

  next(): Promise<IteratorResult<LiveMessage>> {
    const value = this.queue.shift();
    if (value) return Promise.resolve({ value, done: false });
    if (this.reason) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<LiveMessage>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<LiveMessage> {
    return this;
  }
}
