import type { StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import type { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { normaliseUuid, uuidFromHalves } from '../storage/uuid';
import type { ProposedEvent, StoredEvent } from '../storage/stored-event';
import { revisionString } from '../storage/stored-event';
import { sharedPb, streamsPb } from './generated';
import { invalidArgument, missingMetadata } from './rpc-errors';

export const streamNameOf = (identifier: StreamIdentifier | undefined): string => {
  if (!identifier) throw invalidArgument('Required field stream_identifier not set.');
  const name = Buffer.from(identifier.getStreamName_asU8()).toString('utf8');
  if (name.length === 0) throw invalidArgument('Stream name must not be empty.');
  return name;
};

export const uuidOf = (uuid: UUID | undefined, what: string): string => {
  if (!uuid) throw invalidArgument(`Required field ${what} not set.`);
  if (uuid.hasStructured()) {
    const structured = uuid.getStructured()!;
    try {
      return uuidFromHalves(structured.getMostSignificantBits(), structured.getLeastSignificantBits());
    } catch {
      throw invalidArgument(`Invalid ${what}.`);
    }
  }
  const text = normaliseUuid(uuid.getString());
  if (!text) throw invalidArgument(`Invalid ${what} '${uuid.getString()}': not a UUID.`);
  return text;
};

interface ProposedMessageLike {
  getId(): UUID | undefined;
  getMetadataMap(): { get(key: string): string | undefined };
  getData_asU8(): Uint8Array;
  getCustomMetadata_asU8(): Uint8Array;
}

export const proposedEventOf = (message: ProposedMessageLike): ProposedEvent => {
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  const contentType = metadata.get('content-type');
  const missing = [type === undefined ? 'type' : null, contentType === undefined ? 'content-type' : null];
  if (type === undefined || contentType === undefined) {
    throw missingMetadata(...missing.filter((name): name is string => name !== null));
  }
  return {
    id: uuidOf(message.getId(), 'event id'),
    type,
    isJson: contentType === 'application/json',
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
};

/**
 * Bytes 24.10 counts against the append limit for one event. Its `Event.SizeOnDisk` reads
 * `data?.Length ?? 0 + metadata?.Length ?? 0 + eventType.Length * 2`, which C# groups as
 * `data?.Length ?? (...)`: data is never null on gRPC, so only the data bytes count.
 */
export const appendSizeOf = (event: ProposedEvent): number => event.data.length;

export const streamIdentifier = (name: string): StreamIdentifier => {
  const identifier = new sharedPb.StreamIdentifier();
  identifier.setStreamName(Buffer.from(name, 'utf8'));
  return identifier;
};

const recordedOf = (event: StoredEvent): ReadResp.ReadEvent.RecordedEvent => {
  const recorded = new streamsPb.ReadResp.ReadEvent.RecordedEvent();
  const id = new sharedPb.UUID();
  id.setString(event.id);
  recorded.setId(id);
  recorded.setStreamIdentifier(streamIdentifier(event.streamName));
  recorded.setStreamRevision(revisionString(event));
  const position = String(event.position);
  recorded.setPreparePosition(position);
  recorded.setCommitPosition(position);
  const metadata = recorded.getMetadataMap();
  metadata.set('type', event.type);
  metadata.set('content-type', event.isJson ? 'application/json' : 'application/octet-stream');
  metadata.set('created', `${Math.trunc(event.createdMs)}0000`);
  recorded.setCustomMetadata(event.metadata);
  recorded.setData(event.data);
  return recorded;
};

/** google-protobuf form of what `encodeReadEvent` writes by hand (the encoder's reference in tests). */
export const readEventResp = (event: StoredEvent | undefined, link?: StoredEvent): ReadResp => {
  const readEvent = new streamsPb.ReadResp.ReadEvent();
  if (event) readEvent.setEvent(recordedOf(event));
  if (link) readEvent.setLink(recordedOf(link));
  readEvent.setCommitPosition(String((link ?? event)!.position));
  const resp = new streamsPb.ReadResp();
  resp.setEvent(readEvent);
  return resp;
};
