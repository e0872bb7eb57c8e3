import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { Status } from '@eventstore/db-client/generated/status_pb';
import type { BatchAppendReq, BatchAppendResp } from '@eventstore/db-client/generated/streams_pb';
import type { UUID } from '@eventstore/db-client/generated/shared_pb';
import { emptyPb, sharedPb, streamsPb } from '../protocol/generated';
import { appendSizeOf, proposedEventOf, streamIdentifier, streamNameOf } from '../protocol/convert';
import { MAX_APPEND_SIZE, RpcError } from '../protocol/rpc-errors';
import type { EventStore } from '../store/event-store';
import type { ExpectedRevision, WriteResult } from '../store/expected-revision';
import type { ProposedEvent } from '../storage/stored-event';
import { expectedRevisionOf } from './expected';
import {
  badRequestStatus,
  maxAppendSizeStatus,
  streamDeletedStatus,
  unknownStatus,
  wrongExpectedVersionStatus,
} from './batch-append-status';

interface PendingWrite {
  stream: string;
  expected: ExpectedRevision;
  events: ProposedEvent[];
  size: number;
}

/**
 * Streams.BatchAppend: one long-lived bidi call per client channel. Requests for many appends are
 * interleaved, keyed by correlation id; each append is answered once, after its final chunk. A bad
 * request fails only its own correlation id, never the shared call.
 */
export const batchAppendHandler =
  (store: EventStore) =>
  (call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>): void => {
    const pending = new Map<string, PendingWrite>();
    let inFlight = 0;
    let ended = false;
    let closed = false;
    const finishIfIdle = (): void => {
      if (ended && inFlight === 0 && !closed) {
        closed = true;
        call.end();
      }
    };
    const send = (
      correlation: UUID | undefined,
      stream: string | null,
      fill: (resp: BatchAppendResp) => void,
    ): void => {
      if (closed) return;
      const resp = new streamsPb.BatchAppendResp();
      if (correlation) resp.setCorrelationId(correlation);
      if (stream !== null) resp.setStreamIdentifier(streamIdentifier(stream));
      fill(resp);
      call.write(resp);
    };
    const sendError = (correlation: UUID | undefined, stream: string | null, error: Status): void =>
      send(correlation, stream, (resp) => resp.setError(error));

    call.on('data', (req: BatchAppendReq) => {
      const correlation = req.getCorrelationId();
      const key = correlation ? correlationKey(correlation) : '';
      let stream: string | null = null;
      try {
        const options = req.getOptions();
        if (options) {
          // The raw name first, so that even a rejected (e.g. empty) name is echoed in the error reply.
          stream = Buffer.from(options.getStreamIdentifier()?.getStreamName_asU8() ?? []).toString('utf8');
          stream = streamNameOf(options.getStreamIdentifier());
          const exact = options.hasStreamPosition() ? options.getStreamPosition() : undefined;
          pending.set(key, { stream, expected: expectedRevisionOf(options, exact), events: [], size: 0 });
        }
        const write = pending.get(key);
        if (!write) return; // an earlier chunk of this append already failed
        stream = write.stream;
        for (const message of req.getProposedMessagesList()) {
          const event = proposedEventOf(message);
          write.size += appendSizeOf(event);
          write.events.push(event);
        }
        if (write.size > MAX_APPEND_SIZE) {
          pending.delete(key);
          return sendError(correlation, stream, maxAppendSizeStatus());
        }
        if (!req.getIsFinal()) return;
        pending.delete(key);
        inFlight++;
        store
          .append(write.stream, write.expected, write.events)
          .then(
            (result) => sendResult(correlation, write, result),
            (error: unknown) => sendError(correlation, write.stream, unknownStatus(messageOf(error))),
          )
          .finally(() => {
            inFlight--;
            finishIfIdle();
          });
      } catch (error) {
        pending.delete(key);
        sendError(correlation, stream, badRequestStatus(messageOf(error)));
      }
    });

    const sendResult = (correlation: UUID | undefined, write: PendingWrite, result: WriteResult): void => {
      switch (result.kind) {
        case 'stream_deleted':
          return sendError(correlation, write.stream, streamDeletedStatus(write.stream));
        case 'wrong_expected_version':
          return sendError(
            correlation,
            write.stream,
            wrongExpectedVersionStatus(write.expected, result.current),
          );
        case 'success':
          return send(correlation, write.stream, (resp) => {
            const success = new streamsPb.BatchAppendResp.Success();
            if (result.revision < 0) success.setNoStream(new emptyPb.Empty() as never);
            else success.setCurrentRevision(String(result.revision));
            if (result.position === null) success.setNoPosition(new emptyPb.Empty() as never);
            else {
              const position = new sharedPb.AllStreamPosition();
              position.setCommitPosition(String(result.position));
              position.setPreparePosition(String(result.position));
              success.setPosition(position);
            }
            resp.setSuccess(success);
          });
      }
    };

    call.on('end', () => {
      ended = true;
      finishIfIdle();
    });
    call.on('error', () => {
      closed = true;
    });
    call.on('cancelled', () => {
      closed = true;
    });
  };

const correlationKey = (uuid: UUID): string => {
  if (uuid.hasStructured()) {
    const s = uuid.getStructured()!;
    return `${s.getMostSignificantBits()}:${s.getLeastSignificantBits()}`;
  }
  return uuid.getString();
};

const messageOf = (error: unknown): string =>
  error instanceof RpcError || error instanceof Error ? error.message : 'append failed';
