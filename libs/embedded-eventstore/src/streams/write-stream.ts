import type { ServerWritableStream } from '@grpc/grpc-js';

/**
 * Writes with backpressure: `write` returns true synchronously while grpc-js accepts more, otherwise a
 * promise that settles on 'drain' (true) or when the client has gone away (false), so producers stop
 * instead of buffering into a dead call.
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

  write(message: Res): true | Promise<boolean> {
    if (this.isClosed) return Promise.resolve(false);
    if (this.call.write(message)) return true;
    return new Promise<void>((resolve) => {
      this.wake = resolve;
    }).then(() => {
      this.wake = null;
      return !this.isClosed;
    });
  }

  /** Resolves when `register`'s callback fires or the call closes, whichever comes first. */
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

/** `await`s only when the writer actually has to wait; false means the client is gone. */
export const written = async (result: true | Promise<boolean>): Promise<boolean> => result === true || result;
