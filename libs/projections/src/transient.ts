import { MongoError, MongoNetworkError, MongoServerSelectionError } from 'mongodb';

const TRANSIENT_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  112, // WriteConflict
  189, // PrimarySteppedDown
  251, // NoSuchTransaction
  262, // ExceededTimeLimit
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
]);

/**
 * Errors worth retrying as they are: the database or the network, not the event. Anything else is about the
 * event itself (a handler bug, a write the database rejects) and retrying unchanged will not help.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof MongoNetworkError || error instanceof MongoServerSelectionError) return true;
  if (error instanceof MongoError) {
    if (error.hasErrorLabel('TransientTransactionError') || error.hasErrorLabel('RetryableWriteError'))
      return true;
    return typeof error.code === 'number' && TRANSIENT_CODES.has(error.code);
  }
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ECONNRESET' || code === 'ECONNREFUSED' || code === 'EPIPE';
}
