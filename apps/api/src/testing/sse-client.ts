import { eventually } from '@shop/testing';

export interface ReceivedEvent {
  id?: string;
  event: string;
  data: Record<string, unknown>;
  /** Date.now() when the event was parsed. */
  receivedAt: number;
}

/**
 * A real HTTP client of a text/event-stream endpoint (fetch), parsing the stream as it arrives: what a
 * browser's EventSource or `curl -N` would see. Used by tests to wait on events, comments and the end.
 */
export class SseClient {
  readonly events: ReceivedEvent[] = [];
  readonly comments: string[] = [];
  ended = false;
  private readonly abort = new AbortController();
  private buffer = '';

  private constructor(
    readonly status: number,
    readonly headers: Headers,
    readonly body: string | undefined,
  ) {}

  /** Opens the stream; a non-200 answer is returned with its body read (a problem document). */
  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const abort = new AbortController();
    const response = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: abort.signal,
    });
    if (response.status !== 200)
      return new SseClient(response.status, response.headers, await response.text());
    const client = new SseClient(response.status, response.headers, undefined);
    client.abort.signal.addEventListener('abort', () => abort.abort());
    void client.read(response.body!);
    return client;
  }

  get problem(): Record<string, unknown> {
    return JSON.parse(this.body ?? '{}') as Record<string, unknown>;
  }

  /** Waits for an event that satisfies `match` (received before the call or after). */
  waitFor(match: (event: ReceivedEvent) => boolean, timeoutMs = 20_000): Promise<ReceivedEvent> {
    return eventually(() => this.events.find(match), { timeoutMs, intervalMs: 10 });
  }

  waitForComment(text: string, timeoutMs = 20_000): Promise<string> {
    return eventually(() => this.comments.find((c) => c === text), { timeoutMs, intervalMs: 10 });
  }

  waitForEnd(timeoutMs = 20_000): Promise<true> {
    return eventually(() => this.ended || undefined, { timeoutMs, intervalMs: 10 });
  }

  close(): void {
    this.abort.abort();
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        this.buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = this.buffer.indexOf('\n\n')) >= 0) {
          this.parse(this.buffer.slice(0, end));
          this.buffer = this.buffer.slice(end + 2);
        }
      }
    } catch {
      // aborted by close()
    } finally {
      this.ended = true;
    }
  }

  private parse(block: string): void {
    let id: string | undefined;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      else if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length === 0) return;
    this.events.push({
      ...(id !== undefined ? { id } : {}),
      event,
      data: JSON.parse(data.join('\n')) as Record<string, unknown>,
      receivedAt: Date.now(),
    });
  }
}
