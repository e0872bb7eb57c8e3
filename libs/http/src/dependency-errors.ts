import { ErrorType, isCommandError } from '@eventstore/db-client';
import { status } from '@grpc/grpc-js';
import {
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';

export type Dependency = 'mongodb' | 'eventstore';

/** Server error codes meaning "this node cannot serve now", not "this operation is wrong". */
const MONGO_UNAVAILABLE_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

// Not exported by the driver, but part of its documented error names.
const MONGO_UNAVAILABLE_NAMES = new Set(['MongoWaitQueueTimeoutError', 'MongoPoolClosedError']);

const ESDB_UNAVAILABLE_TYPES = new Set<string>([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.NOT_LEADER,
  ErrorType.CANCELLED, // a server shutting down cancels its open calls
]);

function mongoDown(error: Error): boolean {
  if (
    error instanceof MongoNetworkError || // includes the pool-cleared errors
    error instanceof MongoServerSelectionError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoOperationTimeoutError
  )
    return true;
  if (MONGO_UNAVAILABLE_NAMES.has(error.name)) return true;
  return error instanceof MongoServerError && typeof error.code === 'number'
    ? MONGO_UNAVAILABLE_CODES.has(error.code)
    : false;
}

function eventStoreDown(error: Error): boolean {
  if (isCommandError(error)) return ESDB_UNAVAILABLE_TYPES.has(error.type);
  // A gRPC ServiceError the client passed through as it came.
  const { code, details, metadata } = error as { code?: unknown; details?: unknown; metadata?: unknown };
  return (
    typeof details === 'string' &&
    metadata !== undefined &&
    (code === status.UNAVAILABLE || code === status.DEADLINE_EXCEEDED)
  );
}

/**
 * Which dependency an error says is unreachable, looking through `cause` chains: the clients' own errors,
 * whichever code path raised them, so none of them can surface as a 500.
 */
export function unavailableDependency(error: unknown): Dependency | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (mongoDown(current)) return 'mongodb';
    if (eventStoreDown(current)) return 'eventstore';
    current = current.cause;
  }
  return undefined;
}
