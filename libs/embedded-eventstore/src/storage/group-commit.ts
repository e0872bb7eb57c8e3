interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Group commit: items submitted while a write is in flight are collected and written (and fsynced)
 * together by the next write, so N concurrent appends cost one fsync instead of N. Writes run strictly
 * one after another, in submission order. After a failed write the log is unusable: nothing later may
 * be acknowledged, because the failed bytes may or may not be on disk.
 */
export class GroupCommit<T> {
  private queue: T[] = [];
  private waiters: Waiter[] = [];
  private running: Promise<void> | null = null;
  private failure: Error | null = null;

  constructor(private readonly write: (batch: T[]) => Promise<void>) {}

  submit(items: T[]): Promise<void> {
    this.throwIfFailed();
    if (items.length === 0) return Promise.resolve();
    for (const item of items) this.queue.push(item);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    // setImmediate rather than nextTick: lets requests already read from sockets join this group.
    this.running ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.run());
    return done;
  }

  throwIfFailed(): void {
    if (this.failure) throw new Error(`event log is unusable after a failed write: ${this.failure.message}`);
  }

  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        const waiters = this.waiters;
        this.queue = [];
        this.waiters = [];
        try {
          await this.write(batch);
        } catch (error) {
          this.failure = error instanceof Error ? error : new Error(String(error));
          for (const waiter of [...waiters, ...this.waiters]) waiter.reject(this.failure);
          this.queue = [];
          this.waiters = [];
          return;
        }
        for (const waiter of waiters) waiter.resolve();
      }
    } finally {
      this.running = null;
    }
  }
}
