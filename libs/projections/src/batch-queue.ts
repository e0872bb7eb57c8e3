/**
 * Between a subscription (producer) and a batch writer (consumer): the producer keeps reading while a batch
 * is being written, and the consumer then takes what arrived meanwhile as its next batch.
 * Live, the writer is usually idle when an event arrives, so a batch is one event (lowest latency). While
 * catching up the consumer asks to linger: it waits for a full batch (bounded by a deadline, so a slow
 * stream still makes progress), because each transaction has a fixed cost that only big batches amortise.
 * The subscription's own buffer cannot do this: a Readable in object mode buffers only 16 items.
 */
export class BatchQueue<T> {
  private items: T[] = [];
  private ended = false;
  private failure: { error: unknown } | undefined;
  /** Items the waiting consumer needs before it wants to be woken. */
  private wanted = 1;
  private wakeConsumer: (() => void) | undefined;
  private wakeProducer: (() => void) | undefined;

  /** `capacity` bounds the memory held: the producer waits while that many items are queued. */
  constructor(
    private readonly maxBatch: number,
    private readonly capacity: number = maxBatch * 2,
  ) {}

  get length(): number {
    return this.items.length;
  }

  /** Queues one item; resolves once there is room for the next one. Items pushed after close() are dropped. */
  async push(item: T): Promise<void> {
    if (this.ended) return;
    this.items.push(item);
    if (this.items.length >= this.wanted) this.wake('consumer');
    while (this.items.length >= this.capacity && !this.ended) {
      await new Promise<void>((resolve) => (this.wakeProducer = resolve));
    }
  }

  /** The producer has no more items: take() drains what is queued, then returns null. */
  end(): void {
    this.ended = true;
    this.wake('consumer');
    this.wake('producer');
  }

  /** The producer failed: take() throws `error`, even if items are still queued (they are not applied). */
  fail(error: unknown): void {
    this.failure = { error };
    this.end();
  }

  /** The consumer stops: pending and later pushes return at once. */
  close(): void {
    this.items = [];
    this.end();
  }

  /** Ends a lingering take() now with what is queued (e.g. the subscription has caught up). */
  release(): void {
    this.wake('consumer');
  }

  /**
   * Waits for at least one item and returns the queued items (at most `maxBatch`), or null at the end.
   * With `lingerMs` > 0 it first waits up to that long for a full batch.
   */
  async take(lingerMs = 0): Promise<T[] | null> {
    while (this.items.length === 0 && !this.ended) await this.wait(1);
    if (lingerMs > 0 && this.items.length < this.maxBatch && !this.ended) {
      await this.wait(this.maxBatch, lingerMs);
    }
    if (this.failure) throw this.failure.error;
    if (this.items.length === 0) return null;
    let batch = this.items;
    if (batch.length <= this.maxBatch) this.items = [];
    else {
      batch = this.items.slice(0, this.maxBatch);
      this.items = this.items.slice(this.maxBatch);
    }
    this.wake('producer');
    return batch;
  }

  private wait(wanted: number, timeoutMs?: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => this.wake('consumer'), timeoutMs);
      this.wanted = wanted;
      this.wakeConsumer = () => {
        clearTimeout(timer);
        this.wanted = 1;
        resolve();
      };
    });
  }

  private wake(who: 'consumer' | 'producer'): void {
    const wake = who === 'consumer' ? this.wakeConsumer : this.wakeProducer;
    if (who === 'consumer') this.wakeConsumer = undefined;
    else this.wakeProducer = undefined;
    wake?.();
  }
}
