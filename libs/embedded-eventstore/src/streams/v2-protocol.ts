import type { ServiceDefinition, status } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { anyPb, statusPb } from '../protocol/generated';
import { RpcError, invalidArgument } from '../protocol/rpc-errors';
import { normaliseUuid } from '../storage/uuid';
import type { ProposedEvent } from '../storage/stored-event';

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
interface Settable {
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
