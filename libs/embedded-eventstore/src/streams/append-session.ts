import type { sendUnaryData, ServerReadableStream, ServiceDefinition } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { anyPb, statusPb } from '../protocol/generated';
import { RpcError, invalidArgument, toRpcError } from '../protocol/rpc-errors';
import { normaliseUuid } from '../storage/uuid';
import type { EventStore } from '../store/event-store';
import type { ExpectedRevision } from '../store/expected-revision';
import type { ProposedEvent } from '../storage/stored-event';
import type { WriteSettings } from './write-settings';

/* The newer protocol (kurrentdb.protocol.v2), from the official successor client's generated code. */
const kurrent = createRequire(require.resolve('@kurrent/kurrentdb-client/package.json'));
export const v2 = kurrent('./generated/kurrentdb/protocols/v2/streams/streams_pb') as V2Messages;
export const v2Errors = kurrent('./generated/kurrentdb/protocols/v2/streams/errors_pb') as V2Errors;
const v2Grpc = kurrent('./generated/kurrentdb/protocols/v2/streams/streams_grpc_pb') as {
  StreamsServiceService: ServiceDefinition;
};
export const V2StreamsService = v2Grpc.StreamsServiceService;

interface ValueLike {
  toJavaScript(): unknown;
}
export interface AppendRecordLike {
  getStream(): string;
  getRecordId(): string | undefined;
  getPropertiesMap(): { forEach(f: (value: ValueLike, key: string) => void): void };
  getSchema(): { getFormat(): number; getName(): string } | undefined;
  getData_asU8(): Uint8Array;
}
interface AppendRequestLike {
  getStream(): string;
  getRecordsList(): AppendRecordLike[];
  getExpectedRevision(): string | undefined;
}
export interface Settable {
  [setter: string]: unknown;
  serializeBinary(): Uint8Array;
}
interface V2Messages {
  AppendResponse: new () => Settable & {
    setStream(s: string): void;
    setStreamRevision(r: string): void;
    setPosition(p: string): void;
  };
  AppendSessionResponse: new () => Settable & { addOutput(o: unknown): void; setPosition(p: string): void };
  AppendRecordsResponse: new () => Settable & {
    addRevisions(r: unknown): void;
    setPosition(p: string): void;
  };
  StreamRevision: new () => Settable & { setStream(s: string): void; setRevision(r: string): void };
}
interface V2Errors {
  StreamRevisionConflictErrorDetails: new () => Settable & {
    setStream(s: string): void;
    setExpectedRevision(r: string): void;
    setActualRevision(r: string): void;
  };
  StreamTombstonedErrorDetails: new () => Settable & { setStream(s: string): void };
  AppendConsistencyViolationErrorDetails: new () => Settable & { addViolations(v: unknown): void };
  AppendTransactionSizeExceededErrorDetails: new () => Settable & {
    setSize(n: number): void;
    setMaxSize(n: number): void;
  };
  ConsistencyViolation: (new () => Settable & {
    setCheckIndex(i: number): void;
    setStreamState(s: unknown): void;
  }) & {
    StreamStateViolation: new () => Settable & {
      setStream(s: string): void;
      setExpectedState(e: string): void;
      setActualState(a: string): void;
    };
  };
}

const SCHEMA_FORMAT_JSON = 1;
const SCHEMA_FORMAT_BYTES = 4;

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

export const recordOf = (record: AppendRecordLike, generateMissingId = false): ProposedEvent => {
  const given = record.getRecordId() ?? '';
  const id = given === '' && generateMissingId ? randomUUID() : normaliseUuid(given);
  if (!id) throw invalidArgument(`Invalid record id '${record.getRecordId() ?? ''}'.`);
  const schema = record.getSchema();
  if (!schema?.getName()) throw invalidArgument('A record needs a schema name (its event type).');
  const format = schema.getFormat();
  if (format !== SCHEMA_FORMAT_JSON && format !== SCHEMA_FORMAT_BYTES) {
    throw invalidArgument('Only JSON and bytes records are supported.');
  }
  const properties: Record<string, unknown> = {};
  record.getPropertiesMap().forEach((value, key) => (properties[key] = value.toJavaScript()));
  return {
    id,
    type: schema.getName(),
    isJson: format === SCHEMA_FORMAT_JSON,
    data: record.getData_asU8(),
    metadata: Object.keys(properties).length ? Buffer.from(JSON.stringify(properties)) : new Uint8Array(0),
  };
};

/** google.rpc.Status with one typed detail, in the trailer the newer client decodes errors from. */
export const withDetails = (code: status, message: string, typeName: string, detail: Settable): RpcError => {
  const error = new RpcError(code, message);
  const rich = new statusPb.Status();
  rich.setCode(code as never);
  rich.setMessage(message);
  const any = new anyPb.Any();
  any.pack(detail.serializeBinary(), typeName);
  rich.setDetails(any as never);
  error.metadata.set('grpc-status-details-bin', Buffer.from(rich.serializeBinary()));
  return error;
};

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
