import { ErrorType, isCommandError } from '@eventstore/db-client';
import { status } from '@grpc/grpc-js';
import { ConcurrencyError, NotFoundError, UnavailableError, UnprocessableError } from '@shop/event-sourcing';

/** The caller's expected revision (HTTP If-Match) no longer holds. Never retried: the caller must re-read. */
export class ExpectedRevisionMismatchError extends ConcurrencyError {
  constructor(
    readonly streamName: string,
    readonly expectedRevision: bigint,
    readonly actualRevision: bigint,
  ) {
    super(
      'expected_revision_mismatch',
      `Stream ${streamName} is at revision ${actualRevision}, not at the expected ${expectedRevision}`,
      { streamName, expectedRevision: String(expectedRevision), actualRevision: String(actualRevision) },
    );
  }
}

/**
 * The idempotency key was already used on this stream for a different request (another body, path or
 * method). Answering with the first request's result would silently drop this one, so it is refused.
 */
export class IdempotencyKeyReusedError extends UnprocessableError {
  constructor(readonly streamName: string) {
    super(
      'idempotency_key_reused',
      'This Idempotency-Key was already used for a different request; use a new key for a new request',
    );
  }
}

/**
 * Too many writers on one stream: every retry lost the race. Transient (503), unlike an If-Match conflict,
 * because the caller's request itself is still valid.
 */
export class StreamContentionError extends UnavailableError {
  constructor(
    readonly streamName: string,
    attempts: number,
    options?: { cause?: unknown },
  ) {
    super(
      'stream_contention',
      `Stream ${streamName} kept changing; gave up after ${attempts} attempts`,
      { streamName, attempts },
      options,
    );
  }
}

/** The stream was hard-deleted (tombstoned): it can neither be read nor written again. */
export class StreamDeletedError extends NotFoundError {
  constructor(
    readonly streamName: string,
    options?: { cause?: unknown },
  ) {
    super('stream_deleted', `Stream ${streamName} has been deleted`, { streamName }, options);
  }
}

export type EventStoreUnavailableCode =
  'eventstore_unavailable' | 'eventstore_not_leader' | 'eventstore_deadline_exceeded';

/**
 * EventStoreDB could not be reached, is not the leader, or did not answer in time. Whether the operation
 * happened is unknown for writes, which is why only idempotent writes are retried.
 */
export class EventStoreUnavailableError extends UnavailableError {
  declare readonly code: EventStoreUnavailableCode;

  constructor(code: EventStoreUnavailableCode, message: string, options?: { cause?: unknown }) {
    super(code, message, {}, options);
  }
}

const unavailable: Partial<Record<ErrorType, [EventStoreUnavailableCode, string]>> = {
  [ErrorType.NOT_LEADER]: ['eventstore_not_leader', 'EventStoreDB node is not the leader'],
  [ErrorType.UNAVAILABLE]: ['eventstore_unavailable', 'EventStoreDB is unavailable'],
  [ErrorType.DEADLINE_EXCEEDED]: ['eventstore_deadline_exceeded', 'EventStoreDB did not answer in time'],
  [ErrorType.TIMEOUT]: ['eventstore_deadline_exceeded', 'EventStoreDB did not answer in time'],
  // A server shutting down cancels the calls it has open (e.g. the shared batch-append stream); the
  // application never cancels a read or an append it still awaits.
  [ErrorType.CANCELLED]: ['eventstore_unavailable', 'EventStoreDB closed the call'],
};

/**
 * gRPC status codes the client sometimes passes through unconverted (e.g. an append whose request stream fails
 * before the server answers): the same outage as its UnavailableError / DeadlineExceededError.
 */
const rawGrpcUnavailable: Partial<Record<number, [EventStoreUnavailableCode, string]>> = {
  [status.UNAVAILABLE]: ['eventstore_unavailable', 'EventStoreDB is unavailable'],
  [status.DEADLINE_EXCEEDED]: ['eventstore_deadline_exceeded', 'EventStoreDB did not answer in time'],
};

/** A @grpc/grpc-js ServiceError: a numeric status code, its details and the trailing metadata. */
const grpcStatusOf = (error: Error): number | undefined => {
  const { code, details, metadata } = error as { code?: unknown; details?: unknown; metadata?: unknown };
  return typeof code === 'number' && typeof details === 'string' && metadata !== undefined ? code : undefined;
};

/** Translates the client's errors into the application's typed errors; anything else passes unchanged. */
export const toEventStoreError = (error: unknown, streamName: string): unknown => {
  if (!(error instanceof Error)) return error;
  if (!isCommandError(error)) {
    const raw = rawGrpcUnavailable[grpcStatusOf(error) ?? -1];
    return raw ? new EventStoreUnavailableError(raw[0], raw[1], { cause: error }) : error;
  }
  if (error.type === ErrorType.STREAM_DELETED) return new StreamDeletedError(streamName, { cause: error });
  const mapped = unavailable[error.type];
  return mapped ? new EventStoreUnavailableError(mapped[0], mapped[1], { cause: error }) : error;
};

/**
 * An atomic multi-stream append was refused because one of its streams is not at the expected revision;
 * nothing was written.
 */
export class MultiStreamConflictError extends Error {
  constructor(options: { cause: unknown }) {
    super('A stream of the atomic append is not at its expected revision; nothing was written', options);
    this.name = 'MultiStreamConflictError';
  }
}

export const isWrongExpectedVersion = (error: unknown): boolean =>
  error instanceof MultiStreamConflictError ||
  (error instanceof Error && isCommandError(error) && error.type === ErrorType.WRONG_EXPECTED_VERSION);

export const isTransient = (error: unknown): boolean => error instanceof EventStoreUnavailableError;
