/**
 * The error labels mongod attaches to a failed command, which drivers act on: RetryableWriteError (retry this
 * write or commit/abort once) and TransientTransactionError (retry the whole transaction).
 */
const RETRYABLE_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/** WriteConflict, LockTimeout, PreparedTransactionInProgress and the snapshot errors. */
const TRANSIENT_CODES = new Set([112, 24, 267, 239, 246]);

export const RETRYABLE_WRITE_COMMANDS = new Set([
  'insert',
  'update',
  'delete',
  'findAndModify',
  'findandmodify',
]);
const TXN_END = new Set(['commitTransaction', 'abortTransaction']);

export interface LabelContext {
  command: string;
  /** `autocommit: false`: part of a multi-document transaction. */
  inTransaction: boolean;
  /** Carries a txnNumber (a retryable write when not in a transaction). */
  hasTxnNumber: boolean;
  /** A getMore on a change-stream cursor: resumable errors say so, for the driver's automatic resume. */
  changeStream?: boolean;
}

/** What mongod labels ResumableChangeStreamError on a change stream's getMore. */
const RESUMABLE_STREAM_CODES = new Set([...RETRYABLE_CODES, 43, 63, 133, 150, 234, 13388]);

export const errorLabelsFor = (ctx: LabelContext, code: number | undefined, wceCode?: number): string[] => {
  const labels: string[] = [];
  const isTxnEnd = TXN_END.has(ctx.command);
  const retryableWrite =
    isTxnEnd || (ctx.hasTxnNumber && !ctx.inTransaction && RETRYABLE_WRITE_COMMANDS.has(ctx.command));
  if (
    retryableWrite &&
    ((code !== undefined && RETRYABLE_CODES.has(code)) ||
      (wceCode !== undefined && RETRYABLE_CODES.has(wceCode)))
  )
    labels.push('RetryableWriteError');
  if (ctx.changeStream && code !== undefined && RESUMABLE_STREAM_CODES.has(code))
    labels.push('ResumableChangeStreamError');
  if (ctx.inTransaction && code !== undefined) {
    const transient = TRANSIENT_CODES.has(code);
    const label = isTxnEnd
      ? transient || (code === 251 && wceCode === undefined)
      : transient || code === 251 || RETRYABLE_CODES.has(code);
    if (label) labels.push('TransientTransactionError');
  }
  return labels;
};
