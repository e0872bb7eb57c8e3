import { randomUUID } from 'node:crypto';
import type { EventStore } from '../store/event-store';
import type { ProposedEvent, StoredEvent } from '../storage/stored-event';
import { revisionString } from '../storage/stored-event';
import { LINK_EVENT_TYPE } from '../streams/resolve-link';

export interface SystemProjectionsSettings {
  /** `$by_category`'s source as on a real node: which separator of the stream name ends the category. */
  categoryBy: 'first' | 'last';
  separator: string;
}

export const DEFAULT_SYSTEM_PROJECTIONS: SystemProjectionsSettings = { categoryBy: 'first', separator: '-' };

/** The four standard projections, with the ids a fresh real node gives them (used in `$v`). */
const PROJECTIONS = ['$streams', '$stream_by_category', '$by_category', '$by_event_type'] as const;
type ProjectionName = (typeof PROJECTIONS)[number];
const checkpointStreamOf = (name: ProjectionName): string => `$projections-${name}-checkpoint`;

type Emitted = ProposedEvent & { streamName: string };

const isSystem = (stream: string): boolean => stream.startsWith('$');
/** The projections' `$all` source: non-system streams, and metastreams of non-system streams. */
const passesSource = (stream: string): boolean =>
  !isSystem(stream) || (stream.startsWith('$$') && !isSystem(stream.slice(2)));

export const categoryOf = (stream: string, settings: SystemProjectionsSettings): string | null => {
  if (isSystem(stream)) return null;
  const at =
    settings.categoryBy === 'first'
      ? stream.indexOf(settings.separator)
      : stream.lastIndexOf(settings.separator);
  return at > 0 ? stream.slice(0, at) : null;
};

/**
 * `$streams`, `$stream_by_category`, `$by_category` and `$by_event_type`, run natively: they follow `$all`
 * (from their checkpoint, then live) and write what the real projections write: `$>` links
 * (`<revision>@<stream>`) to `$streams`, `$ce-<category>` and `$et-<type>`, `$@` stream references to
 * `$category-<category>`, each with the projection's metadata (`$v`, `$c`, `$p`, `$causedBy`, and `$o` on
 * category links). Emitted events and the checkpoints that cover them go to the log in one write.
 */
export class SystemProjections {
  private next = 0;
  private running = false;
  private readonly off: () => void;

  constructor(
    private readonly store: EventStore,
    private readonly settings: SystemProjectionsSettings,
  ) {
    if (settings.separator.length !== 1) {
      throw new Error(
        `embedded-eventstore: the category separator must be one character, got '${settings.separator}'`,
      );
    }
    this.next = this.resumeIndex();
    this.off = store.onDurable(() => void this.pump());
    void this.pump();
  }

  close(): void {
    this.off();
  }

  /** Index in `$all` of the first event after the oldest checkpoint of the four. */
  private resumeIndex(): number {
    let oldest = Number.POSITIVE_INFINITY;
    for (const name of PROJECTIONS) {
      const state = this.store.stream(checkpointStreamOf(name));
      const last = state?.events[state.events.length - 1];
      let position = -1;
      try {
        const meta = last ? (JSON.parse(Buffer.from(last.metadata).toString('utf8')) as { $c?: number }) : {};
        position = typeof meta.$c === 'number' ? meta.$c : -1;
      } catch {
        position = -1;
      }
      oldest = Math.min(oldest, position);
    }
    if (oldest < 0) return 0;
    const all = this.store.all;
    let lo = 0;
    let hi = this.store.durableCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (all[mid]!.position <= oldest) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.next < this.store.durableCount) {
        const end = Math.min(this.store.durableCount, this.next + 1000);
        const emitted: Emitted[] = [];
        let last: StoredEvent | undefined;
        for (let i = this.next; i < end; i++) {
          const event = this.store.all[i]!;
          if (!passesSource(event.streamName)) continue;
          last = event;
          this.emitFor(event, emitted);
        }
        this.next = end;
        if (emitted.length === 0 || !last) continue;
        for (const name of PROJECTIONS) emitted.push(this.checkpoint(name, last));
        await this.store.appendSystem(emitted);
      }
    } catch (error) {
      process.emitWarning(`embedded-eventstore: system projections stopped: ${String(error)}`);
    } finally {
      this.running = false;
    }
  }

  private emitFor(event: StoredEvent, out: Emitted[]): void {
    const target = `${revisionString(event)}@${event.streamName}`;
    const category = categoryOf(event.streamName, this.settings);
    if (event.revision === 0 && !event.tombstone) {
      out.push(this.link('$streams', '$streams', event, `0@${event.streamName}`));
      if (category) {
        out.push({
          ...this.link('$stream_by_category', `$category-${category}`, event, event.streamName),
          type: '$@',
        });
      }
    }
    if (category) {
      // A link is categorised by the stream it is in, and points where that link points.
      const linked = event.type === LINK_EVENT_TYPE ? Buffer.from(event.data).toString('utf8') : target;
      const extra = event.tombstone ? { $o: event.streamName, $deleted: -1 } : { $o: event.streamName };
      out.push(this.link('$by_category', `$ce-${category}`, event, linked, extra));
    }
    if (event.type !== LINK_EVENT_TYPE) {
      const type = event.tombstone ? '$deleted' : event.type;
      out.push(
        this.link('$by_event_type', `$et-${type}`, event, target, event.tombstone ? { $deleted: -1 } : {}),
      );
    }
  }

  private link(
    projection: ProjectionName,
    stream: string,
    cause: StoredEvent,
    data: string,
    extra: Record<string, unknown> = {},
  ): Emitted {
    return {
      streamName: stream,
      id: randomUUID(),
      type: LINK_EVENT_TYPE,
      isJson: false,
      data: Buffer.from(data, 'utf8'),
      metadata: Buffer.from(
        JSON.stringify({ ...this.tag(projection, cause), ...extra, $causedBy: cause.id }),
      ),
    };
  }

  private tag(projection: ProjectionName, at: StoredEvent): Record<string, unknown> {
    return { $v: `${PROJECTIONS.indexOf(projection) + 1}:-1:1:4`, $c: at.position, $p: at.position };
  }

  private checkpoint(projection: ProjectionName, at: StoredEvent): Emitted {
    return {
      streamName: checkpointStreamOf(projection),
      id: randomUUID(),
      type: '$ProjectionCheckpoint',
      isJson: true,
      data: Buffer.from('""'),
      metadata: Buffer.from(JSON.stringify(this.tag(projection, at))),
    };
  }
}
