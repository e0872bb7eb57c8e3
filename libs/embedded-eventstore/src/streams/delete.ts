import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import type {
  DeleteReq,
  DeleteResp,
  TombstoneReq,
  TombstoneResp,
} from '@eventstore/db-client/generated/streams_pb';
import { sharedPb, streamsPb } from '../protocol/generated';
import { streamNameOf } from '../protocol/convert';
import { invalidArgument, streamDeleted, toRpcError, wrongExpectedVersion } from '../protocol/rpc-errors';
import type { EventStore } from '../store/event-store';
import type { ExpectedRevision, WriteResult } from '../store/expected-revision';
import { expectedRevisionOf } from './expected';

type Options = NonNullable<ReturnType<DeleteReq['getOptions']> | ReturnType<TombstoneReq['getOptions']>>;

interface PositionMessage {
  setCommitPosition(value: string): unknown;
  setPreparePosition(value: string): unknown;
}

/** Delete (soft) and Tombstone share everything but the store operation and the reply classes. */
const handler =
  <Req extends DeleteReq | TombstoneReq, Resp extends DeleteResp | TombstoneResp>(
    operate: (stream: string, expected: ExpectedRevision) => Promise<WriteResult>,
    reply: (position: number | null) => Resp,
  ) =>
  (call: ServerUnaryCall<Req, Resp>, callback: sendUnaryData<Resp>): void => {
    let stream = '';
    let expected: ExpectedRevision = { kind: 'any' };
    const run = async (): Promise<Resp> => {
      const options: Options | undefined = call.request.getOptions();
      if (!options) throw invalidArgument('Request carries no options.');
      stream = streamNameOf(options.getStreamIdentifier());
      expected = expectedRevisionOf(options, options.hasRevision() ? options.getRevision() : undefined);
      const result = await operate(stream, expected);
      switch (result.kind) {
        case 'success':
          return reply(result.position);
        case 'stream_deleted':
          throw streamDeleted(stream);
        case 'wrong_expected_version':
          throw wrongExpectedVersion(stream, expected, result.current);
      }
    };
    run().then(
      (resp) => callback(null, resp),
      (error: unknown) => callback(toRpcError(error)),
    );
  };

const withPosition = <R extends { setPosition(p: never): unknown; setNoPosition(e: never): unknown }>(
  resp: R,
  position: number | null,
  make: () => PositionMessage,
): R => {
  if (position === null) resp.setNoPosition(new sharedPb.Empty() as never);
  else {
    const p = make();
    p.setCommitPosition(String(position));
    p.setPreparePosition(String(position));
    resp.setPosition(p as never);
  }
  return resp;
};

export const deleteHandler = (store: EventStore) =>
  handler<DeleteReq, DeleteResp>(
    (stream, expected) => store.deleteStream(stream, expected),
    (position) =>
      withPosition(new streamsPb.DeleteResp(), position, () => new streamsPb.DeleteResp.Position()),
  );

export const tombstoneHandler = (store: EventStore) =>
  handler<TombstoneReq, TombstoneResp>(
    (stream, expected) => store.tombstone(stream, expected),
    (position) =>
      withPosition(new streamsPb.TombstoneResp(), position, () => new streamsPb.TombstoneResp.Position()),
  );
