import { type FastifyReply, type FastifyRequest } from 'fastify';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type CloseReason, closeReasons, type LiveSubscription } from './live-subscription';
import { type LiveMessage } from './live-message';

/** One Server-Sent Event: `id:` (the position, resumed from with Last-Event-ID), `event:` and JSON `data:`. */
export interface SseEvent {
  readonly id?: string;
  readonly event?: string;
  readonly data: unknown;
}

export interface SseOptions {
  /** A comment line this often keeps proxies and clients from timing the stream out. */
  readonly heartbeatMs: number;
  /** Reconnection delay EventSource clients are told to use. */
  readonly retryMs?: number;
}

const line = (value: string): string => value.replace(/[\r\n]+/g, ' ');

export const formatSseEvent = ({ id, event, data }: SseEvent): string =>
  `${id !== undefined ? `id: ${line(id)}\n` : ''}${event !== undefined ? `event: ${line(event)}\n` : ''}data: ${JSON.stringify(data)}\n\n`;

/**
 * A text/event-stream response on Node's raw response (the framework has handed it over): heartbeats, the
 * socket's idle timeout off (heartbeats replace it), and a `close` event naming the reason before the end.
 * Writing never buffers without bound: a write the socket does not take waits for `drain`, meanwhile the
 * subscription's bounded queue fills and drops the subscriber if it never drains.
 */
export class SseStream {
  private readonly heartbeat: NodeJS.Timeout;
  private ended = false;
  /** Resolves when the client has gone (or the stream was ended). */
  readonly gone: Promise<void>;

  constructor(
    private readonly request: IncomingMessage,
    private readonly response: ServerResponse,
    private readonly options: SseOptions,
    headers: Record<string, string> = {},
  ) {
    // A write racing the client's disconnect must not become an unhandled 'error' (it would end the process).
    response.on('error', () => undefined);
    request.socket.setTimeout(0);
    request.socket.setNoDelay(true);
    response.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx and similar proxies: do not hold events back in a buffer.
      'x-accel-buffering': 'no',
    });
    response.write(`retry: ${options.retryMs ?? 2_000}\n\n`);
    this.heartbeat = setInterval(() => this.comment('keep-alive'), options.heartbeatMs);
    this.heartbeat.unref();
    this.gone = new Promise<void>((resolve) => {
      response.once('close', () => {
        this.ended = true;
        clearInterval(this.heartbeat);
        resolve();
      });
    });
  }

  /**
   * Takes the response over from Fastify (it will not answer or time it out) and starts the stream with the
   * headers already set on the reply (request id, CORS).
   */
  static hijack(request: FastifyRequest, reply: FastifyReply, options: SseOptions): SseStream {
    reply.hijack();
    const headers = Object.fromEntries(
      Object.entries(reply.getHeaders()).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])),
    );
    return new SseStream(request.raw, reply.raw, options, headers);
  }

  get open(): boolean {
    return !this.ended && !this.response.writableEnded && !this.response.destroyed;
  }

  comment(text: string): void {
    if (this.open) this.response.write(`: ${line(text)}\n\n`);
  }

  /**
   * Writes the event (or an event already formatted by {@link formatSseEvent}); resolves once the socket took
   * it (at once, unless the client reads slowly).
   */
  async send(event: SseEvent | string): Promise<void> {
    if (!this.open) return;
    if (this.response.write(typeof event === 'string' ? event : formatSseEvent(event))) return;
    await Promise.race([new Promise((resolve) => this.response.once('drain', resolve)), this.gone]);
  }

  /**
   * A last `close` event with the reason, then the end of the response. A client that has not taken it
   * within a heartbeat interval (it stopped reading) has its connection cut: nothing is kept for it.
   */
  end(reason: CloseReason): void {
    clearInterval(this.heartbeat);
    if (!this.open) return;
    this.response.write(formatSseEvent({ event: 'close', data: reason }));
    this.ended = true;
    this.response.end();
    if (this.response.writableFinished) return;
    const cut = setTimeout(() => this.response.destroy(), this.options.heartbeatMs);
    cut.unref();
    this.response.once('finish', () => clearTimeout(cut));
  }
}

/**
 * Formats each message once for all the streams it goes to (a change reaches every subscriber of its topic
 * as the same object): `format` must depend on the message only.
 */
export const sharedFormat = (
  format: (message: LiveMessage) => SseEvent | undefined,
): ((message: LiveMessage) => string | undefined) => {
  const formatted = new WeakMap<LiveMessage, string | null>();
  return (message) => {
    let text = formatted.get(message);
    if (text === undefined) {
      const event = format(message);
      text = event ? formatSseEvent(event) : null;
      formatted.set(message, text);
    }
    return text ?? undefined;
  };
};

/**
 * Sends a subscription's messages as events until it closes (then a `close` event with its reason), or until
 * the client goes (then the subscription is closed). `format` turns a message into an event, or skips it.
 */
export async function pipeToSse(
  subscription: LiveSubscription,
  stream: SseStream,
  format: (message: LiveMessage) => SseEvent | string | undefined,
  fallbackReason: () => CloseReason | undefined = () => undefined,
): Promise<CloseReason> {
  void stream.gone.then(() => subscription.close(closeReasons.transportClosed()));
  try {
    for await (const message of subscription) {
      const event = format(message);
      // A write waiting for a client that stopped reading must not outlive the subscription's drop.
      if (event) await Promise.race([stream.send(event), subscription.closed]);
    }
  } catch {
    subscription.close(closeReasons.transportClosed());
  }
  const reason = subscription.closeReason ?? fallbackReason() ?? closeReasons.unsubscribed();
  stream.end(reason);
  return reason;
}
