import { Metadata, status } from '@grpc/grpc-js';
import type { ExpectedRevision } from '../store/expected-revision';

/**
 * A gRPC error the way the official client decodes it: the `exception` trailer picks the typed error,
 * the other trailers fill its fields; the status code is the fallback.
 */
export class RpcError extends Error {
  readonly metadata = new Metadata();

  constructor(
    readonly code: status,
    readonly details: string,
    trailers: Record<string, string> = {},
  ) {
    super(details);
    for (const [key, value] of Object.entries(trailers)) this.metadata.set(key, value);
  }
}

export const invalidArgument = (details: string): RpcError => new RpcError(status.INVALID_ARGUMENT, details);

export const streamDeleted = (stream: string): RpcError =>
  new RpcError(status.FAILED_PRECONDITION, `Event stream '${stream}' is deleted.`, {
    exception: 'stream-deleted',
    'stream-name': stream,
  });

export const expectedVersionCode = (expected: ExpectedRevision): string => {
  switch (expected.kind) {
    case 'any':
      return '-2';
    case 'no_stream':
      return '-1';
    case 'stream_exists':
      return '-4';
    case 'exact':
      return String(expected.revision);
  }
};

export const wrongExpectedVersion = (stream: string, expected: ExpectedRevision, current: number): RpcError =>
  new RpcError(
    status.FAILED_PRECONDITION,
    `Append failed due to WrongExpectedVersion. Stream: ${stream}, Expected version: ${expectedVersionCode(expected)}, Actual version: ${current}`,
    {
      exception: 'wrong-expected-version',
      'stream-name': stream,
      'expected-version': expectedVersionCode(expected),
      'actual-version': String(current),
    },
  );

export const maxAppendSizeExceeded = (maxAppendSize: number): RpcError =>
  new RpcError(status.INVALID_ARGUMENT, `Maximum Append Size of ${maxAppendSize} Exceeded.`, {
    exception: 'maximum-append-size-exceeded',
    'maximum-append-size': String(maxAppendSize),
  });

export const missingMetadata = (...properties: string[]): RpcError =>
  new RpcError(
    status.INVALID_ARGUMENT,
    `Required metadata properties ${properties.join(', ')} are missing.`,
    {
      exception: 'missing-required-metadata-property',
      'required-metadata-properties': properties.join(','),
    },
  );

export const unavailable = (details: string): RpcError => new RpcError(status.UNAVAILABLE, details);

/** Anything thrown that is not already an RpcError is a server fault, reported without internals. */
export const toRpcError = (error: unknown): RpcError =>
  error instanceof RpcError ? error : new RpcError(status.INTERNAL, 'embedded-eventstore internal error');
