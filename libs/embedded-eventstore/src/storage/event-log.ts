import type { EncodableEvent } from './record-codec';
import { recordSize } from './record-codec';

/** Every segment starts with a header, so no event ever sits at position 0 (the protocol's "start"). */
export const SEGMENT_HEADER_SIZE = 16;

/**
 * The append-only log under the store. `append` assigns positions synchronously (so the in-memory
 * index can be updated in log order) and returns a promise that settles once the bytes are durable.
 */
export interface EventLog {
  append(events: readonly EncodableEvent[]): { positions: number[]; durable: Promise<void> };
  close(): Promise<void>;
}

/** In-memory mode: the same position arithmetic as the file log, nothing written anywhere. */
export class MemoryLog implements EventLog {
  private next = SEGMENT_HEADER_SIZE;

  append(events: readonly EncodableEvent[]): { positions: number[]; durable: Promise<void> } {
    const positions = events.map((event) => {
      const position = this.next;
      this.next += recordSize(event);
      return position;
    });
    return { positions, durable: Promise.resolve() };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
