/** One committed event as the store keeps it in memory and on disk. */
export interface StoredEvent {
  /** Index in the global log order (0-based, dense). */
  seq: number;
  /** Log offset of the record: commit == prepare == position. */
  position: number;
  streamName: string;
  /** Stream revision; ignored when `tombstone` is set (the protocol then reports 2^63-1). */
  revision: number;
  tombstone: boolean;
  id: string;
  type: string;
  isJson: boolean;
  createdMs: number;
  data: Uint8Array;
  metadata: Uint8Array;
}

/** What a writer proposes; position, seq and revision are assigned by the store. */
export type ProposedEvent = Pick<StoredEvent, 'id' | 'type' | 'isJson' | 'data' | 'metadata'>;

export const TOMBSTONE_REVISION = '9223372036854775807';

export const revisionString = (event: StoredEvent): string =>
  event.tombstone ? TOMBSTONE_REVISION : String(event.revision);
