import type { sendUnaryData, ServerReadableStream } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { RpcError, invalidArgument, toRpcError } from '../protocol/rpc-errors';
import type { EventStore } from '../store/event-store';
import type { ExpectedRevision } from '../store/expected-revision';
import type { ProposedEvent } from '../storage/stored-event';
import type { AppendRecordLike } from './v2-protocol';
import { recordOf, v2, v2Errors, withDetails } from './v2-protocol';
import type { WriteSettings } from './write-settings';

interface AppendRequestLike {
  getStream(): string;
  getRecordsList(): AppendRecordLike[];
  getExpectedRevision(): string | undefined;
}

const expectedOf = (text: string | undefined): ExpectedRevision => {
  switch (text ?? '-2') {
    case '-2':
      return { kind: 'any' };
    case '-1':
      return { kind: 'no_stream' };
    case '-4':
      return { kind: 'stream_exists' };
    default: {
      const revision = Number(text);
      if (!Number.isSafeInteger(revision) || revision < 0)
        throw invalidArgument(`Invalid expected revision ${text}.`);
      return { kind: 'exact', revision };
    }
  }
};

const expectedText = (expected: ExpectedRevision): string =>
  expected.kind === 'any'
    ? '-2'
    : expected.kind === 'no_stream'
      ? '-1'
      : expected.kind === 'stream_exists'
        ? '-4'
        : String(expected.revision);

/**
 * kurrentdb.protocol.v2 StreamsService.AppendSession (the newer client's `multiStreamAppend`): every
 * request of the session is appended atomically, all or nothing, each against its own expected revision.
 */
export const appendSessionHandler =
  (store: EventStore, settings: WriteSettings) =>
  (call: ServerReadableStream<AppendRequestLike, unknown>, callback: sendUnaryData<unknown>): void => {
    const writes: { stream: string; expected: ExpectedRevision; events: ProposedEvent[] }[] = [];
    let failed = false;
    let size = 0;
    const fail = (error: unknown): void => {
      if (failed) return;
      failed = true;
      callback(toRpcError(error));
    };
    call.on('data', (req: AppendRequestLike) => {
      if (failed) return;
      try {
        const stream = req.getStream();
        if (!stream) throw invalidArgument('Stream name must not be empty.');
        if (writes.some((w) => w.stream === stream))
          throw invalidArgument(`Stream '${stream}' appears twice in one session.`);
        const events = req.getRecordsList().map((record) => recordOf(record));
        for (const event of events) size += event.data.length;
        if (size > settings.maxAppendSize) {
          throw new RpcError(
            status.INVALID_ARGUMENT,
            `Maximum Append Size of ${settings.maxAppendSize} Exceeded.`,
          );
        }
        writes.push({ stream, expected: expectedOf(req.getExpectedRevision()), events });
      } catch (error) {
        fail(error);
      }
    });
    call.on('error', () => (failed = true));
    call.on('end', () => {
      if (failed) return;
      store.appendMulti(writes).then((outcome) => {
        if (outcome.kind === 'failed') {
          const write = writes[outcome.index]!;
          if (outcome.result.kind === 'stream_deleted') {
            const detail = new v2Errors.StreamTombstonedErrorDetails();
            detail.setStream(write.stream);
            return fail(
              withDetails(
                status.FAILED_PRECONDITION,
                `Stream '${write.stream}' is tombstoned.`,
                'kurrentdb.protocol.v2.streams.errors.StreamTombstonedErrorDetails',
                detail,
              ),
            );
          }
          const current =
            outcome.result.kind === 'wrong_expected_version'
              ? outcome.result.current
              : outcome.result.revision;
          const detail = new v2Errors.StreamRevisionConflictErrorDetails();
          detail.setStream(write.stream);
          detail.setExpectedRevision(expectedText(write.expected));
          detail.setActualRevision(String(current));
          return fail(
            withDetails(
              status.FAILED_PRECONDITION,
              `Stream '${write.stream}' is at revision ${current}.`,
              'kurrentdb.protocol.v2.streams.errors.StreamRevisionConflictErrorDetails',
              detail,
            ),
          );
        }
        const resp = new v2.AppendSessionResponse();
        let position = 0;
        outcome.results.forEach((result, i) => {
          if (result.kind !== 'success') return;
          const out = new v2.AppendResponse();
          out.setStream(writes[i]!.stream);
          out.setStreamRevision(String(result.revision));
          if (result.position !== null) {
            out.setPosition(String(result.position));
            position = Math.max(position, result.position);
          }
          resp.addOutput(out);
        });
        resp.setPosition(String(position));
        failed = true;
        callback(null, resp);
      }, fail);
    });
  };
