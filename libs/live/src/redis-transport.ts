import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { type LiveTransport } from './change-bus';
import { isLiveMessage, type LiveMessage } from './live-message';

export const LIVE_CHANNEL = 'eventshop:live';

interface Envelope {
  origin: string;
  messages: unknown[];
}

/** The URL without credentials, for logs. */
export const redactedUrl = (url: string): string => {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return 'redis (unparsable URL)';
  }
};

/**
 * Fan-out through Redis pub/sub: every process publishes what its projections commit on one channel and
 * delivers what the others published (its own messages it delivered already, and skips). Pub/sub holds
 * nothing for a process that is away: a subscriber that missed updates resumes from its last position
 * (SSE Last-Event-ID). While Redis does not answer, delivery stays in-process, readiness says `degraded`
 * with the reason, and the log says so once per change.
 */
export class RedisTransport implements LiveTransport {
  readonly kind = 'redis';
  private readonly logger = new Logger('LiveUpdates');
  private readonly origin = randomUUID();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private failing?: string;
  private closing = false;

  constructor(url: string) {
    const options = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2_000,
      retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000),
    };
    this.publisher = new Redis(url, { ...options, connectionName: 'eventshop live publish' });
    // The subscriber queues its SUBSCRIBE until connected and re-subscribes after every reconnect.
    this.subscriber = new Redis(url, {
      ...options,
      enableOfflineQueue: true,
      connectionName: 'eventshop live subscribe',
    });
    for (const client of [this.publisher, this.subscriber]) {
      client.on('error', (error: Error) => this.failed(error));
      client.on('ready', () => this.recovered());
    }
  }

  async start(receive: (messages: readonly LiveMessage[]) => void): Promise<void> {
    this.subscriber.on('message', (channel: string, payload: string) => {
      if (channel !== LIVE_CHANNEL) return;
      const messages = this.decode(payload);
      if (messages) receive(messages);
    });
    // Subscribed when Redis answers in time; otherwise the process starts anyway, in-process meanwhile.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.failed(new Error('no connection within 2000 ms'));
        resolve();
      }, 2_000);
    });
    await Promise.race([
      this.subscriber.subscribe(LIVE_CHANNEL).then(
        () => undefined,
        (error: unknown) => this.failed(error),
      ),
      timeout,
    ]);
    clearTimeout(timer);
  }

  publish(messages: readonly LiveMessage[]): void {
    const envelope: Envelope = { origin: this.origin, messages: [...messages] };
    this.publisher
      .publish(LIVE_CHANNEL, JSON.stringify(envelope))
      .catch((error: unknown) => this.failed(error));
  }

  describe(): { transport: 'in-process' | 'redis'; degraded?: string } {
    return this.failing === undefined
      ? { transport: 'redis' }
      : { transport: 'in-process', degraded: this.failing };
  }

  async close(): Promise<void> {
    this.closing = true;
    this.subscriber.disconnect();
    this.publisher.disconnect();
    await Promise.resolve();
  }

  private decode(payload: string): LiveMessage[] | undefined {
    try {
      const envelope = JSON.parse(payload) as Envelope;
      if (envelope.origin === this.origin || !Array.isArray(envelope.messages)) return undefined;
      return envelope.messages.filter(isLiveMessage);
    } catch {
      this.logger.warn(`ignored an unreadable message on ${LIVE_CHANNEL}`);
      return undefined;
    }
  }

  private failed(error: unknown): void {
    if (this.closing) return;
    const reason = `Redis did not answer (${error instanceof Error ? error.message : String(error)})`;
    if (this.failing === undefined)
      this.logger.warn(`${reason}: live updates reach this process's subscribers only until it is back`);
    this.failing = reason;
  }

  private recovered(): void {
    if (this.failing === undefined) return;
    if (this.publisher.status !== 'ready' || this.subscriber.status !== 'ready') return;
    this.failing = undefined;
    this.logger.log('Redis answers again: live updates are fanned out to every process');
  }
}
