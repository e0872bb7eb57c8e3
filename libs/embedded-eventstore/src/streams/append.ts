import type { sendUnaryData, ServerReadableStream } from '@grpc/grpc-js';
import type { AppendReq, AppendResp } from '@eventstore/db-client/generated/streams_pb';
import { sharedPb, streamsPb } from '../protocol/generated';
import { appendSizeOf, proposedEventOf, streamNameOf } from '../protocol/convert';
import { invalidArgument, maxAppendSizeExceeded, streamDeleted, toRpcError } from '../protocol/rpc-errors';
import type { EventStore } from '../store/event-store';
import type { ExpectedRevision, WriteResult } from '../store/expected-revision';
import type { ProposedEvent } from '../storage/stored-event';
import { expectedRevisionOf } from './expected';
import type { WriteSettings } from './write-settings';
import { TIMED_OUT, commitTimeout, withTimeout } from './write-settings';

/** Streams.Append: client streaming, options first, then one proposed message per event. */
export const appendHandler =
  (store: EventStore, settings: WriteSettings) =>
  (call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>): void => {
    let target: { stream: string; expected: ExpectedRevision } | null = null;
    const events: ProposedEvent[] = [];
    let size = 0;
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      callback(toRpcError(error));
    };
    call.on('data', (req: AppendReq) => {
      if (settled) return;
      try {
        if (!target) {
          const options = req.getOptions();
          if (!options) throw invalidArgument('The first Append message must carry options.');
          const stream = streamNameOf(options.getStreamIdentifier());
          const exact = options.hasRevision() ? options.getRevision() : undefined;
          target = { stream, expected: expectedRevisionOf(options, exact) };
          return;
        }
        const message = req.getProposedMessage();
        if (!message) throw invalidArgument('Expected a proposed message after the options.');
        const event = proposedEventOf(message);
        size += appendSizeOf(event);
        if (size > settings.maxAppendSize) throw maxAppendSizeExceeded(settings.maxAppendSize);
        events.push(event);
      } catch (error) {
        fail(error);
      }
    });
    call.on('error', () => {
      settled = true; // the client went away; nothing left to answer
    });
    call.on('end', () => {
      if (settled) return;
      if (!target) return fail(invalidArgument('Append carried no options.'));
      const { stream, expected } = target;
      let pending: Promise<WriteResult>;
      try {
        pending = store.append(stream, expected, events);
      } catch (error) {
        return fail(error);
      }
      withTimeout(pending, settings.commitTimeoutMs).then(
        (result) => {
          if (settled) return;
          if (result === TIMED_OUT) return fail(commitTimeout());
          if (result.kind === 'stream_deleted') return fail(streamDeleted(stream));
          settled = true;
          callback(null, appendResp(result, expected));
        },
        (error: unknown) => fail(error),
      );
    });
  };

const appendResp = (
  result: Exclude<WriteResult, { kind: 'stream_deleted' }>,
  expected: ExpectedRevision,
): AppendResp => {
  const resp = new streamsPb.AppendResp();
  if (result.kind === 'success') {
    const success = new streamsPb.AppendResp.Success();
    if (result.revision < 0) success.setNoStream(new sharedPb.Empty());
    else success.setCurrentRevision(String(result.revision));
    if (result.position === null) success.setNoPosition(new sharedPb.Empty());
    else {
      const position = new streamsPb.AppendResp.Position();
      position.setCommitPosition(String(result.position));
      position.setPreparePosition(String(result.position));
      success.setPosition(position);
    }
    resp.setSuccess(success);
    return resp;
  }
  const wrong = new streamsPb.AppendResp.WrongExpectedVersion();
  if (result.current < 0) wrong.setCurrentNoStream(new sharedPb.Empty());
  else wrong.setCurrentRevision(String(result.current));
  switch (expected.kind) {
    case 'any':
      wrong.setExpectedAny(new sharedPb.Empty());
      break;
    case 'no_stream':
      wrong.setExpectedNoStream(new sharedPb.Empty());
      break;
    case 'stream_exists':
      wrong.setExpectedStreamExists(new sharedPb.Empty());
      break;
    case 'exact':
      wrong.setExpectedRevision(String(expected.revision));
      break;
  }
  resp.setWrongExpectedVersion(wrong);
  return resp;
};
