import { randomUUID } from 'node:crypto';
import type { EventStore } from '../store/event-store';
import { metastreamOf } from '../store/event-store';
import type { ProposedEvent } from '../storage/stored-event';

export type Emitted = ProposedEvent & { streamName: string };

/** A projection's version as its `$v` tag spells it: `<id>:<epoch>:<version>:<subsystem version 4>`. */
export interface ProjectionVersion {
  id: number;
  /** -1 until the first reset; a reset sets it to the new version, starting the emitted streams anew. */
  epoch: number;
  version: number;
}

export const versionTag = (v: ProjectionVersion): string => `${v.id}:${v.epoch}:${v.version}:4`;

/** The epoch of a `$v` value (`<id>:<epoch>:...`), or null when it is none. */
export const epochOfVersion = ($v: unknown): number | null => {
  const epoch = typeof $v === 'string' ? Number($v.split(':')[1]) : NaN;
  return Number.isInteger(epoch) ? epoch : null;
};

/** The epoch in an event's `$v` tag, or null when there is none (an event the projection did not write). */
export const epochOfTag = (metadata: Uint8Array): number | null => {
  try {
    return epochOfVersion((JSON.parse(Buffer.from(metadata).toString('utf8')) as { $v?: unknown }).$v);
  } catch {
    return null;
  }
};

/**
 * What a real node's EmittedStream does before its first write to a stream in the projection's current
 * epoch: a new physical stream, or one whose last event is of an older epoch (after a reset), is a new
 * logical stream, so `$$<stream>` metadata is written first: read access for everyone (`$acl` `$r`/`$mr`
 * `$all`, as system streams get) and, for an existing stream, `$tb` past its last event, which hides what
 * earlier epochs emitted. Streams already begun in this epoch are remembered.
 */
export class EmittedStreams {
  private readonly begun = new Set<string>();

  constructor(private readonly store: EventStore) {}

  /** Forget what was begun: the epoch changed. */
  restart(): void {
    this.begun.clear();
  }

  /** The metadata event to write before the first event to `stream` in `epoch`, or null. */
  headerFor(stream: string, epoch: number): Emitted | null {
    if (this.begun.has(stream)) return null;
    this.begun.add(stream);
    const state = this.store.stream(stream);
    const last = state?.events[state.events.length - 1];
    if (last && (epochOfTag(last.metadata) ?? epoch) >= epoch) return null;
    const metadata: Record<string, unknown> = { $acl: { $r: '$all', $mr: '$all' } };
    if (last) metadata['$tb'] = last.revision + 1;
    return {
      streamName: metastreamOf(stream),
      id: randomUUID(),
      type: '$metadata',
      isJson: true,
      data: Buffer.from(JSON.stringify(metadata)),
      metadata: new Uint8Array(0),
    };
  }
}
