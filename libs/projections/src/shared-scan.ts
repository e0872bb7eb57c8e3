/**
 * Coalesces concurrent server scans: at most one runs at a time, and every caller gets the result of a scan
 * that started after its call (so it saw everything the caller had already appended). Callers arriving while
 * a scan runs share the next one. Without this, each read-your-writes query waiting on a projection opened
 * its own filtered $all scan, and a few hundred concurrent waits flooded the EventStoreDB connection.
 */
export class SharedScan<T> {
  private running: Promise<T> | undefined;
  private queued: Promise<T> | undefined;

  constructor(private readonly scan: () => Promise<T>) {}

  run(): Promise<T> {
    if (this.queued) return this.queued;
    if (!this.running) return this.start();
    const after = this.running.then(
      () => undefined,
      () => undefined,
    );
    this.queued = after.then(() => {
      this.queued = undefined;
      return this.start();
    });
    return this.queued;
  }

  private start(): Promise<T> {
    const scan = this.scan();
    this.running = scan;
    const clear = () => {
      if (this.running === scan) this.running = undefined;
    };
    scan.then(clear, clear);
    return scan;
  }
}
