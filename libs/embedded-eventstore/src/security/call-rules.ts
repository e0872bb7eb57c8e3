import type {
  BatchAppendReq,
  AppendReq,
  DeleteReq,
  ReadReq,
  TombstoneReq,
} from '@eventstore/db-client/generated/streams_pb';
import type { ReadReq as PersistentReadReq } from '@eventstore/db-client/generated/persistent_pb';
import type { StreamIdentifier } from '@eventstore/db-client/generated/shared_pb';
import type { StreamOperation } from './acl';
import { targetOf } from './acl';

/** What a call needs: nobody checks it, any signed-in user, one of some groups, or rights on a stream. */
export interface CallRule {
  kind: 'public' | 'authenticated' | 'groups' | 'stream';
  groups?: readonly string[];
  /**
   * For `stream` rules: the streams and operations a request message asks for (null or none: nothing to
   * check). Every one must be allowed.
   */
  target?: (message: unknown) => StreamTarget | readonly StreamTarget[] | null;
}

export interface StreamTarget {
  stream: string;
  operation: StreamOperation;
}

const ALL_STREAM = '$all';
const nameOf = (identifier: StreamIdentifier | undefined): string | null =>
  identifier ? Buffer.from(identifier.getStreamName_asU8()).toString('utf8') : null;

const read = (stream: string | null): StreamTarget | null =>
  stream === null ? null : targetOf(stream, '$r');
const write = (stream: string | null): StreamTarget | null =>
  stream === null ? null : targetOf(stream, '$w');
const remove = (stream: string | null): StreamTarget | null =>
  stream === null ? null : { stream, operation: '$d' };

/** The newer protocol names streams as plain strings; an empty one is the handler's INVALID_ARGUMENT. */
const writeNamed = (stream: string): StreamTarget | null => write(stream === '' ? null : stream);

const STREAMS = '/event_store.client.streams.Streams/';
const PERSISTENT = '/event_store.client.persistent_subscriptions.PersistentSubscriptions/';
const V2_STREAMS = '/kurrentdb.protocol.v2.streams.StreamsService/';

interface V2AppendRequest {
  getStream(): string;
}
interface V2AppendRecordsRequest {
  getRecordsList(): { getStream(): string }[];
}

/** Requests the handler itself rejects as malformed (null targets) are let through to get that error. */
const RULES: Record<string, CallRule> = {
  [`${STREAMS}Read`]: {
    kind: 'stream',
    target: (m) => {
      const options = (m as ReadReq).getOptions();
      if (options?.hasAll()) return read(ALL_STREAM);
      return read(nameOf(options?.getStream()?.getStreamIdentifier()));
    },
  },
  [`${STREAMS}Append`]: {
    kind: 'stream',
    target: (m) => {
      const options = (m as AppendReq).getOptions();
      return options ? write(nameOf(options.getStreamIdentifier())) : null;
    },
  },
  [`${STREAMS}BatchAppend`]: {
    kind: 'stream',
    target: (m) => {
      const options = (m as BatchAppendReq).getOptions();
      return options ? write(nameOf(options.getStreamIdentifier())) : null;
    },
  },
  // The newer protocol's atomic appends: write rights on every stream written, as its classic appends.
  [`${V2_STREAMS}AppendSession`]: {
    kind: 'stream',
    target: (m) => writeNamed((m as V2AppendRequest).getStream()),
  },
  [`${V2_STREAMS}AppendRecords`]: {
    kind: 'stream',
    target: (m) =>
      [...new Set((m as V2AppendRecordsRequest).getRecordsList().map((r) => r.getStream()))]
        .map(writeNamed)
        .filter((t): t is StreamTarget => t !== null),
  },
  [`${STREAMS}Delete`]: {
    kind: 'stream',
    target: (m) => remove(nameOf((m as DeleteReq).getOptions()?.getStreamIdentifier())),
  },
  [`${STREAMS}Tombstone`]: {
    kind: 'stream',
    target: (m) => remove(nameOf((m as TombstoneReq).getOptions()?.getStreamIdentifier())),
  },
  [`${PERSISTENT}Read`]: {
    kind: 'stream',
    target: (m) => {
      const options = (m as PersistentReadReq).getOptions();
      if (!options) return null;
      return read(options.hasAll() ? ALL_STREAM : nameOf(options.getStreamIdentifier()));
    },
  },
  [`${PERSISTENT}ReplayParked`]: { kind: 'groups', groups: ['$admins', '$ops'] },
  [`${PERSISTENT}RestartSubsystem`]: { kind: 'groups', groups: ['$admins', '$ops'] },
  // Clients probe these before they know anything else, as a real node lets them.
  '/event_store.client.server_features.ServerFeatures/GetSupportedMethods': { kind: 'public' },
  '/event_store.client.gossip.Gossip/Read': { kind: 'public' },
};

const AUTHENTICATED: CallRule = { kind: 'authenticated' };

export const ruleFor = (path: string): CallRule => RULES[path] ?? AUTHENTICATED;
