import { ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import { isTransient, isWrongExpectedVersion } from './errors';

export interface RetrySettings {
  /** Retries after losing an optimistic-concurrency race (reload, decide again, append again). */
  readonly conflictRetries: number;
  /** Retries after EventStoreDB was unavailable, for reads and idempotent appends only. */
  readonly transientRetries: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const defaultRetrySettings: RetrySettings = {
  conflictRetries: 10,
  transientRetries: 3,
  initialDelayMs: 5,
  maxDelayMs: 250,
};

// Decorrelated jitter (cockatiel's default generator) spreads competing writers apart so that a hot stream
// does not see the same writers collide on every round.
const backoff = (settings: RetrySettings) =>
  new ExponentialBackoff({ initialDelay: settings.initialDelayMs, maxDelay: settings.maxDelayMs });

export const conflictRetryPolicy = (settings: RetrySettings): RetryPolicy =>
  retry(handleWhen(isWrongExpectedVersion), {
    maxAttempts: settings.conflictRetries,
    backoff: backoff(settings),
  });

export const transientRetryPolicy = (settings: RetrySettings): RetryPolicy =>
  retry(handleWhen(isTransient), { maxAttempts: settings.transientRetries, backoff: backoff(settings) });
