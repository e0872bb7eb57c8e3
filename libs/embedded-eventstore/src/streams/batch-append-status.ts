import type { Status } from '@eventstore/db-client/generated/status_pb';
import { status as grpcStatus } from '@grpc/grpc-js';
import { anyPb, emptyPb, sharedPb, statusPb } from '../protocol/generated';
import { streamIdentifier } from '../protocol/convert';
import type { ExpectedRevision } from '../store/expected-revision';

/*
 * BatchAppend reports failures per correlation id as a google.rpc.Status whose `details` Any names the
 * error type; the client picks its typed error from that type name.
 */
const status = (
  code: grpcStatus,
  message: string,
  typeName: string,
  detail: { serializeBinary(): Uint8Array },
): Status => {
  const result = new statusPb.Status();
  result.setCode(code as unknown as Parameters<Status['setCode']>[0]);
  result.setMessage(message);
  const any = new anyPb.Any();
  any.pack(detail.serializeBinary(), typeName);
  result.setDetails(any as unknown as Parameters<Status['setDetails']>[0]);
  return result;
};

export const wrongExpectedVersionStatus = (expected: ExpectedRevision, current: number): Status => {
  const detail = new sharedPb.WrongExpectedVersion();
  const empty = (): never => new emptyPb.Empty() as never;
  if (current < 0) detail.setCurrentNoStream(empty());
  else detail.setCurrentStreamRevision(String(current));
  switch (expected.kind) {
    case 'any':
      detail.setExpectedAny(empty());
      break;
    case 'no_stream':
      detail.setExpectedNoStream(empty());
      break;
    case 'stream_exists':
      detail.setExpectedStreamExists(empty());
      break;
    case 'exact':
      detail.setExpectedStreamPosition(String(expected.revision));
      break;
  }
  return status(
    grpcStatus.FAILED_PRECONDITION,
    'Wrong expected version.',
    'event_store.client.WrongExpectedVersion',
    detail,
  );
};

export const streamDeletedStatus = (stream: string): Status => {
  const detail = new sharedPb.StreamDeleted();
  detail.setStreamIdentifier(streamIdentifier(stream));
  return status(
    grpcStatus.FAILED_PRECONDITION,
    `Event stream '${stream}' is deleted.`,
    'event_store.client.StreamDeleted',
    detail,
  );
};

export const maxAppendSizeStatus = (maxAppendSize: number): Status => {
  const detail = new sharedPb.MaximumAppendSizeExceeded();
  detail.setMaxappendsize(maxAppendSize);
  return status(
    grpcStatus.INVALID_ARGUMENT,
    'MaximumAppendSizeExceeded',
    'event_store.client.MaximumAppendSizeExceeded',
    detail,
  );
};

export const badRequestStatus = (message: string): Status => {
  const detail = new sharedPb.BadRequest();
  detail.setMessage(message);
  return status(grpcStatus.INVALID_ARGUMENT, message, 'event_store.client.BadRequest', detail);
};

export const unknownStatus = (message: string): Status =>
  status(grpcStatus.UNKNOWN, message, 'event_store.client.Unknown', new sharedPb.Unknown());

/** The real server's Status.Timeout: a deadline or write/commit timeout passed. */
export const timeoutStatus = (): Status =>
  status(grpcStatus.DEADLINE_EXCEEDED, 'Timeout', 'event_store.client.Timeout', new sharedPb.Timeout());
