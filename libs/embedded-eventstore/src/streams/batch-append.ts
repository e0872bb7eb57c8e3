import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { Status } from '@eventstore/db-client/generated/status_pb';
import type { BatchAppendReq, BatchAppendResp } from '@eventstore/db-client/generated/streams_pb';
import type { UUID } from '@eventstore/db-client/generated/shared_pb';
import { emptyPb, sharedPb, streamsPb } from '../protocol/generated';
import { appendSizeOf, proposedEventOf, streamIdentifier, streamNameOf } from '../protocol/convert';
import { RpcError } from '../protocol/rpc-errors';
import { durationDeadlineOf } from '../protocol/streams-service';
import type { EventStore } from '../store/event-store';
import type { ExpectedRevision, WriteResult } from '../store/expected-revision';
import type { ProposedEvent } from '../storage/stored-event';
import { expectedRevisionOf } from './expected';
import {
  badRequestStatus,
  maxAppendSizeStatus,
  streamDeletedStatus,
  timeoutStatus,
  unknownStatus,
  wrongExpectedVersionStatus,
} from './batch-append-status';
import type { WriteSettings } from './write-settings';
import { TIMED_OUT, withTimeout } from './write-settings';

interface PendingWrite {
  stream: string;
  expected: ExpectedRevision;
  events: ProposedEvent[];
  size: number;
  /** Fires when the request's deadline (capped by writeTimeoutMs) passes before its final chunk. */
  timer: NodeJS.Timeout;
}

/**
 * Streams.BatchAppend: one long-lived bidi call per client channel. Requests for many appends are
 * interleaved, keyed by correlation id; each append is answered once, after its final chunk. A bad
 * request fails only its own correlation id, never the shared call.
 */
export const batchAppendHandler =
  (store: EventStore, settings: WriteSettings) =>
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
          const expected = expectedRevisionOf(options, exact);
          // Newer clients send a Duration (to servers advertising deadline_duration), older a Timestamp.
          const duration = durationDeadlineOf(req);
          const deadline = options.getDeadline();
          const requested =
            duration ?? (deadline ? deadline.toDate().getTime() - Date.now() : Number.POSITIVE_INFINITY);
          const timeoutMs = Math.min(requested, settings.writeTimeoutMs);
          if (timeoutMs <= 0) return sendError(correlation, stream, timeoutStatus());
          const named = stream;
          clearTimeout(pending.get(key)?.timer);
          const timer = setTimeout(() => {
            if (pending.get(key)?.timer !== timer) return;
            pending.delete(key);
            sendError(correlation, named, timeoutStatus());
          }, timeoutMs);
          timer.unref();
          pending.set(key, { stream, expected, events: [], size: 0, timer });
        }
        const write = pending.get(key);
        if (!write) return; // an earlier chunk of this append already failed
        stream = write.stream;
        for (const message of req.getProposedMessagesList()) {
          const event = proposedEventOf(message);
          write.size += appendSizeOf(event);
          write.events.push(event);
        }
        if (write.size > settings.maxAppendSize) {
          pending.delete(key);
          clearTimeout(write.timer);
          return sendError(correlation, stream, maxAppendSizeStatus(settings.maxAppendSize));
        }
        if (!req.getIsFinal()) return;
        pending.delete(key);
        clearTimeout(write.timer);
        inFlight++;
        withTimeout(store.append(write.stream, write.expected, write.events), settings.commitTimeoutMs)
          .then(
            (result) =>
              result === TIMED_OUT
                ? sendError(correlation, write.stream, timeoutStatus())
                : sendResult(correlation, write, result),
            (error: unknown) => sendError(correlation, write.stream, unknownStatus(messageOf(error))),
          )
          .finally(() => {
            inFlight--;
            finishIfIdle();
          });
      } catch (error) {
        clearTimeout(pending.get(key)?.timer);
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
    const close = (): void => {
      closed = true;
      for (const write of pending.values()) clearTimeout(write.timer);
      pending.clear();
    };
    call.on('error', close);
    call.on('cancelled', close);
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
