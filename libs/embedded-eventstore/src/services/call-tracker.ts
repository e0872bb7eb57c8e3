import type {
  sendUnaryData,
  ServerDuplexStream,
  ServerUnaryCall,
  ServiceDefinition,
  UntypedHandleCall,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { type Server, status } from '@grpc/grpc-js';
import { RpcError } from '../protocol/rpc-errors';

/** The real server's answer to anything it cannot take while not (or no longer) serving. */
export const serverNotReady = (): RpcError => new RpcError(status.UNAVAILABLE, 'Server Is Not Ready');

type Settle = () => void;

/**
 * Knows every call in progress, so that stopping the node answers each the way a real node's shutdown
 * does: calls that write (unary appends, deletes, BatchAppend) fail with UNAVAILABLE "Server Is Not
 * Ready" and may be retried elsewhere, streaming reads and subscriptions are cancelled. Calls arriving
 * while stopping are refused with UNAVAILABLE.
 */
export class CallTracker {
  private stopping = false;
  private readonly open = new Set<Settle>();

  get isStopping(): boolean {
    return this.stopping;
  }

  /** Wraps a service implementation; `unavailableStreams` names streaming methods that write. */
  wrap(
    definition: ServiceDefinition,
    implementation: UntypedServiceImplementation,
    unavailableStreams: readonly string[] = [],
  ): UntypedServiceImplementation {
    const wrapped: UntypedServiceImplementation = {};
    for (const [name, handler] of Object.entries(implementation)) {
      const method = definition[name];
      if (!method) continue;
      wrapped[name] = method.responseStream
        ? this.streaming(handler, unavailableStreams.includes(name))
        : this.unary(handler);
    }
    return wrapped;
  }

  /** Fails or cancels everything in progress; later calls are refused. */
  stop(): void {
    this.stopping = true;
    for (const settle of [...this.open]) settle();
    this.open.clear();
  }

  private unary(handler: UntypedHandleCall): UntypedHandleCall {
    const run = handler as (
      call: ServerUnaryCall<unknown, unknown>,
      callback: sendUnaryData<unknown>,
    ) => void;
    return ((call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      if (this.stopping) return callback(serverNotReady());
      let answered = false;
      const settle: Settle = () => {
        if (answered) return;
        answered = true;
        callback(serverNotReady());
      };
      this.open.add(settle);
      run(call, (error, value, trailer, flags) => {
        if (answered) return;
        answered = true;
        this.open.delete(settle);
        callback(error, value, trailer, flags);
      });
    }) as UntypedHandleCall;
  }

  private streaming(handler: UntypedHandleCall, writes: boolean): UntypedHandleCall {
    const run = handler as (call: ServerDuplexStream<unknown, unknown>) => void;
    return ((call: ServerDuplexStream<unknown, unknown>) => {
      if (this.stopping) {
        call.emit('error', serverNotReady());
        return;
      }
      const settle: Settle = () => {
        if (call.cancelled || call.writableEnded) return;
        call.emit(
          'error',
          writes ? serverNotReady() : new RpcError(status.CANCELLED, 'Server is shutting down.'),
        );
      };
      this.open.add(settle);
      const done = (): void => void this.open.delete(settle);
      call.on('finish', done);
      call.on('cancelled', done);
      call.on('close', done);
      run(call);
    }) as UntypedHandleCall;
  }
}

/** Lets answers already written reach their clients, then closes; never waits more than `limitMs`. */
export const closeGracefully = (server: Server, limitMs = 1_000): Promise<void> =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, limitMs);
    setImmediate(() =>
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      }),
    );
  });
