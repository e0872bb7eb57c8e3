import type { ServerWritableStream } from '@grpc/grpc-js';

/**
 * Writes with backpressure: waits for 'drain' when grpc-js buffers are full, and reports false once the
 * client has gone away so producers stop instead of buffering into a dead call.
 */
export class BackpressuredWriter<Req, Res> {
  private closed = false;
  private wake: (() => void) | null = null;

  constructor(private readonly call: ServerWritableStream<Req, Res>) {
    const close = (): void => {
      this.closed = true;
      this.wake?.();
    };
    call.on('cancelled', close);
    call.on('error', close);
    call.on('close', close);
    call.on('drain', () => this.wake?.());
  }

  get isClosed(): boolean {
    return this.closed || this.call.cancelled;
  }

  async write(message: Res): Promise<boolean> {
    if (this.isClosed) return false;
    if (this.call.write(message)) return true;
    await new Promise<void>((resolve) => {
      this.wake = resolve;
    });
    this.wake = null;
    return !this.isClosed;
  }

  /** Resolves when `signal` fires or the call closes, whichever comes first. */
  waitUntil(register: (wake: () => void) => () => void): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let unregister: (() => void) | null = null;
      const done = (): void => {
        unregister?.();
        this.call.off('cancelled', done);
        resolve();
      };
      this.call.on('cancelled', done);
      unregister = register(done);
    });
  }

  end(): void {
    if (!this.isClosed) this.call.end();
    this.closed = true;
  }
}
