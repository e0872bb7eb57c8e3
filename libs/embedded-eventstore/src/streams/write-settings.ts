import { status } from '@grpc/grpc-js';
import { RpcError } from '../protocol/rpc-errors';

/** The real server's write limits, with its defaults (24.10: MaxAppendSize, CommitTimeoutMs, WriteTimeoutMs). */
export interface WriteSettings {
  /** Bytes per append, counted as 24.10 counts them (see `appendSizeOf`). */
  maxAppendSize: number;
  /** How long a write may take to become durable before the caller gets a timeout. */
  commitTimeoutMs: number;
  /** BatchAppend: upper bound on the request's own deadline, from its first chunk. */
  writeTimeoutMs: number;
}

/**
 * The real node's timeouts are 2 s, but it has its own CPUs. This node shares an event loop (and, in tests
 * and `npm start`, two cores) with the application: a stall there would turn writes that succeed into
 * "outcome unknown" timeouts. So the embedded default is generous; pass 2_000 to behave as a real node.
 */
export const DEFAULT_WRITE_SETTINGS: WriteSettings = {
  maxAppendSize: 1024 * 1024,
  commitTimeoutMs: 30_000,
  writeTimeoutMs: 30_000,
};

export const writeSettingsOf = (options: Partial<WriteSettings>): WriteSettings => {
  const settings = { ...DEFAULT_WRITE_SETTINGS, ...options };
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new Error(`embedded-eventstore: ${name} must be a positive integer, got ${String(value)}`);
    }
  }
  return settings;
};

/**
 * Append.Append's answer when a write is not durable in time: ABORTED "Operation timed out: ...". Our
 * prepare phase (checks and positions) is synchronous, so a timeout is always in the commit phase.
 */
export const commitTimeout = (): RpcError =>
  new RpcError(status.ABORTED, 'Operation timed out: Commit phase timeout.');

export const TIMED_OUT = Symbol('timed out');

/** `work`, or TIMED_OUT once `ms` have passed first (the write itself goes on and may still succeed). */
export const withTimeout = <T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
};
