import { createRequire } from 'node:module';
import { type EventData, type EventStoreDBClient } from '@eventstore/db-client';
import {
  type CallOptions,
  type Client as GrpcClient,
  type ClientWritableStream,
  type Metadata,
  type MethodDefinition,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { NO_STREAM_REVISION } from './aggregate-loader';
import { MultiStreamConflictError, StreamDeletedError, toEventStoreError } from './errors';

/** One stream's part of an atomic multi-stream append. */
export interface StreamAppend {
  readonly streamName: string;
  /** The revision the stream must be at; NO_STREAM_REVISION (-1n): it must not exist yet. */
  readonly expectedRevision: bigint;
  readonly events: readonly EventData[];
}

export interface MultiStreamAppendResult {
  /** Commit position of the transaction in $all. */
  readonly position: bigint;
  /** Each stream's revision after the append, in the order of the request. */
  readonly revisions: readonly bigint[];
}

/**
 * Atomic appends to several streams (all or nothing, each with its own expected revision): the newer
 * protocol's `kurrentdb.protocol.v2.streams.StreamsService/AppendSession` (KurrentDB 25.1 and later, and the
 * embedded server), sent over the application's own `@eventstore/db-client` connection, so discovery, the
 * leader, TLS and credentials are that client's. The messages are the official generated code of the
 * successor client `@kurrent/kurrentdb-client` (its v2 protocol only: loading that client itself would
 * replace the classic protocol's message classes, which both clients register globally, under this one).
 * A node that does not advertise AppendSession (EventStoreDB up to 24.x) is remembered as such
 * (`offered === false`) and `append` answers undefined, having sent nothing: the caller then writes one
 * stream after another.
 */
export class MultiStreamAppender {
  /** undefined until the node's features were read. */
  offered?: boolean;

  constructor(private readonly client: EventStoreDBClient) {}

  /**
   * The new revision of each stream, or undefined when the node has no atomic appends (nothing written).
   * Fails with MultiStreamConflictError, writing nothing, when any stream is not at its expected revision.
   */
  async append(requests: readonly StreamAppend[]): Promise<MultiStreamAppendResult | undefined> {
    const client = internals(this.client);
    this.offered ??= await client.supports(APPEND_SESSION).catch((error: unknown) => {
      throw toEventStoreError(error, requests[0]?.streamName ?? '');
    });
    if (!this.offered) return undefined;
    const messages = requests.map(toMessage);
    try {
      const response = await client.execute(v2Grpc.StreamsServiceClient, 'multiStreamAppend', (grpc) =>
        session(grpc, client.callArguments({ requiresLeader: true }), messages),
      );
      const revisions = requests.map((request) => {
        const answer = response.getOutputList().find((o) => o.getStream() === request.streamName);
        if (!answer) throw new Error(`The node did not report the revision of ${request.streamName}`);
        return BigInt(answer.getStreamRevision());
      });
      return { position: BigInt(response.getPosition()), revisions };
    } catch (error) {
      throw translate(error, requests.map((r) => r.streamName).join(' + '));
    }
  }
}

// -- the connection: the classic client's own, through members it keeps for its own protocol calls --------

type Execute = <C extends GrpcClient, T>(
  Client: new (...args: never[]) => C,
  debugName: string,
  action: (client: C) => Promise<T>,
) => Promise<T>;

/**
 * `@eventstore/db-client` (pinned) runs every call through `execute` (channel, discovery, reconnects) with
 * `callArguments` (credentials, leader, deadline) and reads the node's features with `supports`; they are
 * protected members, used here exactly as its own commands use them.
 */
interface ClientInternals {
  execute: Execute;
  callArguments(options: { requiresLeader?: boolean }): [Metadata, CallOptions];
  supports(method: Pick<MethodDefinition<unknown, unknown>, 'path'>): Promise<boolean>;
}

const internals = (client: EventStoreDBClient): ClientInternals => {
  const candidate = client as unknown as Partial<ClientInternals>;
  if (
    typeof candidate.execute !== 'function' ||
    typeof candidate.callArguments !== 'function' ||
    typeof candidate.supports !== 'function'
  ) {
    throw new Error('This @eventstore/db-client version does not offer what atomic appends need');
  }
  return candidate as ClientInternals;
};

// -- the protocol: the successor client's generated messages ------------------------------------------------

const kurrent = createRequire(require.resolve('@kurrent/kurrentdb-client/package.json'));
const v2 = kurrent('./generated/kurrentdb/protocols/v2/streams/streams_pb') as V2Messages;
const v2Grpc = kurrent('./generated/kurrentdb/protocols/v2/streams/streams_grpc_pb') as {
  StreamsServiceClient: new (...args: never[]) => StreamsServiceClient;
};
const struct = kurrent('google-protobuf/google/protobuf/struct_pb') as {
  Value: new () => { setStringValue(v: string): void };
};
const statusPb = createRequire(require.resolve('@eventstore/db-client/package.json'))(
  './generated/status_pb',
) as { Status: { deserializeBinary(b: Uint8Array): { getDetails(): { getTypeUrl(): string } | undefined } } };

const APPEND_SESSION = { path: '/kurrentdb.protocol.v2.streams.StreamsService/AppendSession' };
const SCHEMA_FORMAT_JSON = 1;
// The newer protocol's sentinel revisions (its ExpectedRevisionConstants).
const EXPECT_NO_STREAM = '-1';

interface AppendRequestMessage {
  setStream(s: string): void;
  setExpectedRevision(r: string): void;
  addRecords(r: unknown): void;
}
interface V2Messages {
  AppendRequest: new () => AppendRequestMessage;
  AppendRecord: new () => {
    setRecordId(id: string): void;
    setSchema(s: unknown): void;
    setData(d: Uint8Array): void;
    getPropertiesMap(): { set(k: string, v: unknown): void };
  };
  SchemaInfo: new () => { setFormat(f: number): void; setName(n: string): void };
}
interface SessionResponse {
  getOutputList(): { getStream(): string; getStreamRevision(): string }[];
  getPosition(): string;
}
interface StreamsServiceClient extends GrpcClient {
  appendSession(
    metadata: Metadata,
    options: CallOptions,
    callback: (error: ServiceError | null, response: SessionResponse) => void,
  ): ClientWritableStream<AppendRequestMessage>;
}

const session = (
  grpc: StreamsServiceClient,
  [metadata, options]: [Metadata, CallOptions],
  messages: readonly AppendRequestMessage[],
): Promise<SessionResponse> =>
  new Promise((resolve, reject) => {
    const sink = grpc.appendSession(metadata, options, (error, response) =>
      error ? reject(error) : resolve(response),
    );
    sink.on('error', reject);
    for (const message of messages) sink.write(message);
    sink.end();
  });

const toMessage = (request: StreamAppend): AppendRequestMessage => {
  const message = new v2.AppendRequest();
  message.setStream(request.streamName);
  message.setExpectedRevision(
    request.expectedRevision === NO_STREAM_REVISION ? EXPECT_NO_STREAM : request.expectedRevision.toString(),
  );
  for (const event of request.events) {
    const record = new v2.AppendRecord();
    record.setRecordId(event.id);
    const schema = new v2.SchemaInfo();
    schema.setFormat(SCHEMA_FORMAT_JSON);
    schema.setName(event.type);
    record.setSchema(schema);
    record.setData(Buffer.from(JSON.stringify(event.data), 'utf8'));
    for (const [key, value] of Object.entries(stringValues(event.metadata))) {
      const property = new struct.Value();
      property.setStringValue(value);
      record.getPropertiesMap().set(key, property);
    }
    message.addRecords(record);
  }
  return message;
};

/**
 * The newer protocol carries metadata as properties, and nodes store them as a JSON object of strings (the
 * successor client refuses anything else); readers parse typed fields back (see EventSerializer).
 */
const stringValues = (metadata: unknown): Record<string, string> => {
  if (metadata === undefined) return {};
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new Error('An atomic multi-stream append needs metadata as a JSON object');
  }
  return Object.fromEntries(
    Object.entries(metadata as Record<string, unknown>)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]),
  );
};

/** A refused append names its reason in the rich status details (google.rpc.Status) of the error. */
const detailOf = (error: ServiceError): string => {
  const [bytes] = error.metadata?.get('grpc-status-details-bin') ?? [];
  if (!(bytes instanceof Uint8Array)) return '';
  try {
    return statusPb.Status.deserializeBinary(bytes).getDetails()?.getTypeUrl() ?? '';
  } catch {
    return '';
  }
};

const translate = (error: unknown, streams: string): unknown => {
  const grpcError = error as Partial<ServiceError> | null;
  if (grpcError?.code === status.FAILED_PRECONDITION) {
    const detail = detailOf(grpcError as ServiceError);
    if (detail.endsWith('StreamRevisionConflictErrorDetails'))
      return new MultiStreamConflictError({ cause: error });
    if (detail.endsWith('StreamTombstonedErrorDetails'))
      return new StreamDeletedError(streams, { cause: error });
  }
  return toEventStoreError(error, streams);
};
