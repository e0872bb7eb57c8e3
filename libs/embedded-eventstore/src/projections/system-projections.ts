import { randomUUID } from 'node:crypto';
import type { EventStore } from '../store/event-store';
import type { StoredEvent } from '../storage/stored-event';
import { revisionString } from '../storage/stored-event';
import { LINK_EVENT_TYPE } from '../streams/resolve-link';
import type { Emitted, ProjectionVersion } from './emitted-streams';
import { EmittedStreams, epochOfVersion, versionTag } from './emitted-streams';

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

interface ProjectionState {
  name: ProjectionName;
  enabled: boolean;
  version: ProjectionVersion;
  emitted: EmittedStreams;
  /** Index in `$all` of the next event to look at. */
  next: number;
  /** Position of the last source event covered by a checkpoint, -1 before any. */
  checkpoint: number;
  processedAfterRestart: number;
}

export interface ProjectionStatistics {
  name: string;
  enabled: boolean;
  /** Log position up to which the projection has emitted and checkpointed, -1 before any. */
  checkpoint: number;
  processedAfterRestart: number;
  epoch: number;
  version: number;
  /** 0-100: how far through `$all` it is. */
  progress: number;
}

export const SYSTEM_PROJECTION_NAMES: readonly string[] = PROJECTIONS;

/**
 * `$streams`, `$stream_by_category`, `$by_category` and `$by_event_type`, run natively: each follows `$all`
 * (from its checkpoint, then live) and writes what the real projection writes: `$>` links
 * (`<revision>@<stream>`) to `$streams`, `$ce-<category>` and `$et-<type>`, `$@` stream references to
 * `$category-<category>`, each with the projection's metadata (`$v`, `$c`, `$p`, `$causedBy`, and `$o` on
 * category links). A projection's emitted events and the checkpoint that covers them go to the log in one
 * write. Enabled/disabled and the version/epoch (reset) live in `$projections-<name>` (`$ProjectionUpdated`),
 * so they survive restarts.
 */
export class SystemProjections {
  private readonly states: ProjectionState[];
  private running = false;
  private again = false;
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
    this.states = PROJECTIONS.map((name, i) => {
      const config = this.lastJson(`$projections-${name}`, 'data') as
        { enabled?: unknown; epoch?: unknown; version?: unknown } | undefined;
      const version: ProjectionVersion = {
        id: i + 1,
        epoch: Number.isInteger(config?.epoch) ? (config!.epoch as number) : -1,
        version: Number.isInteger(config?.version) ? (config!.version as number) : 1,
      };
      const checkpoint = this.lastCheckpoint(name, version.epoch);
      return {
        name,
        enabled: config?.enabled !== false,
        version,
        emitted: new EmittedStreams(store),
        checkpoint,
        next: this.indexAfter(checkpoint),
        processedAfterRestart: 0,
      };
    });
    this.off = store.onDurable(() => void this.pump());
    void this.pump();
  }

  close(): void {
    this.off();
  }

  has(name: string): boolean {
    return this.states.some((s) => s.name === name);
  }

  statistics(): ProjectionStatistics[] {
    const last = this.store.all[this.store.durableCount - 1]?.position ?? 0;
    return this.states.map((s) => ({
      name: s.name,
      enabled: s.enabled,
      checkpoint: s.checkpoint,
      processedAfterRestart: s.processedAfterRestart,
      epoch: s.version.epoch,
      version: s.version.version,
      progress:
        s.next >= this.store.durableCount || last === 0
          ? 100
          : Math.floor((100 * Math.max(0, s.checkpoint)) / last),
    }));
  }

  /** Enables or disables one projection (persisted); a re-enabled one catches up from its checkpoint. */
  async setEnabled(name: string, enabled: boolean): Promise<void> {
    const state = this.find(name);
    await this.persist(state, enabled, state.version);
    state.enabled = enabled;
    if (enabled) void this.pump();
  }

  /**
   * As a real node's reset: a new version that is also the new epoch, the checkpoint back to the start of
   * `$all`, and every emitted stream begun again (its earlier links hidden behind `$tb`, see
   * EmittedStreams) as the projection re-emits from the start. Enabled or not, it stays so.
   */
  async reset(name: string): Promise<void> {
    const state = this.find(name);
    const next = state.version.version + 1;
    const version = { id: state.version.id, epoch: next, version: next };
    await this.persist(state, state.enabled, version);
    state.version = version;
    state.checkpoint = -1;
    state.next = 0;
    state.processedAfterRestart = 0;
    state.emitted.restart();
    if (state.enabled) void this.pump();
  }

  private find(name: string): ProjectionState {
    const state = this.states.find((s) => s.name === name);
    if (!state) throw new Error(`no system projection ${name}`);
    return state;
  }

  private persist(state: ProjectionState, enabled: boolean, version: ProjectionVersion): Promise<void> {
    const { epoch, version: v } = version;
    const config = { handlerType: `native:${state.name}`, mode: 'Continuous', enabled, epoch, version: v };
    return this.store.appendSystem([
      {
        streamName: `$projections-${state.name}`,
        id: randomUUID(),
        type: '$ProjectionUpdated',
        isJson: true,
        data: Buffer.from(JSON.stringify(config)),
        metadata: new Uint8Array(0),
      },
    ]);
  }

  private lastJson(stream: string, field: 'data' | 'metadata'): unknown {
    const state = this.store.stream(stream);
    const last = state?.events[state.events.length - 1];
    if (!last) return undefined;
    try {
      return JSON.parse(Buffer.from(last[field]).toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  }

  /** The last checkpoint of this epoch (one from before a reset does not count). */
  private lastCheckpoint(name: ProjectionName, epoch: number): number {
    const tag = this.lastJson(checkpointStreamOf(name), 'metadata') as
      { $v?: unknown; $c?: unknown } | undefined;
    if ((epochOfVersion(tag?.$v) ?? -1) < epoch) return -1;
    return typeof tag?.$c === 'number' ? tag.$c : -1;
  }

  /** Index in `$all` of the first event after `position`. */
  private indexAfter(position: number): number {
    if (position < 0) return 0;
    const all = this.store.all;
    let lo = 0;
    let hi = this.store.durableCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (all[mid]!.position <= position) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private async pump(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        for (const state of this.states) if (state.enabled) await this.advance(state);
      } while (this.again);
    } catch (error) {
      process.emitWarning(`embedded-eventstore: system projections stopped: ${String(error)}`);
    } finally {
      this.running = false;
    }
  }

  private async advance(state: ProjectionState): Promise<void> {
    const epoch = state.version.epoch;
    while (state.enabled && state.version.epoch === epoch && state.next < this.store.durableCount) {
      const end = Math.min(this.store.durableCount, state.next + 1000);
      const emitted: Emitted[] = [];
      let last: StoredEvent | undefined;
      for (let i = state.next; i < end; i++) {
        const event = this.store.all[i]!;
        if (!passesSource(event.streamName)) continue;
        const before = emitted.length;
        this.emitFor(state, event, emitted);
        if (emitted.length > before) last = event;
        state.processedAfterRestart++;
      }
      state.next = end;
      if (!last) continue;
      emitted.push(this.checkpoint(state, last));
      await this.store.appendSystem(emitted);
      // A reset while this batch was being made durable started the projection again: not ours to record.
      if (state.version.epoch !== epoch) return;
      state.checkpoint = last.position;
    }
  }

  private emitFor(projection: ProjectionState, event: StoredEvent, out: Emitted[]): void {
    const target = `${revisionString(event)}@${event.streamName}`;
    const category = categoryOf(event.streamName, this.settings);
    const first = event.revision === 0 && !event.tombstone;
    const emit = (e: Emitted): void => {
      const header = projection.emitted.headerFor(e.streamName, projection.version.epoch);
      if (header) out.push(header);
      out.push(e);
    };
    switch (projection.name) {
      case '$streams':
        if (first) emit(this.link(projection, '$streams', event, `0@${event.streamName}`));
        return;
      case '$stream_by_category':
        if (first && category) {
          emit({ ...this.link(projection, `$category-${category}`, event, event.streamName), type: '$@' });
        }
        return;
      case '$by_category': {
        if (!category) return;
        // A link is categorised by the stream it is in, and points where that link points.
        const linked = event.type === LINK_EVENT_TYPE ? Buffer.from(event.data).toString('utf8') : target;
        const extra = event.tombstone ? { $o: event.streamName, $deleted: -1 } : { $o: event.streamName };
        emit(this.link(projection, `$ce-${category}`, event, linked, extra));
        return;
      }
      case '$by_event_type': {
        if (event.type === LINK_EVENT_TYPE) return;
        const type = event.tombstone ? '$deleted' : event.type;
        emit(this.link(projection, `$et-${type}`, event, target, event.tombstone ? { $deleted: -1 } : {}));
        return;
      }
    }
  }

  private link(
    projection: ProjectionState,
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

  private tag(projection: ProjectionState, at: StoredEvent): Record<string, unknown> {
    return { $v: versionTag(projection.version), $c: at.position, $p: at.position };
  }

  private checkpoint(projection: ProjectionState, at: StoredEvent): Emitted {
    return {
      streamName: checkpointStreamOf(projection.name),
      id: randomUUID(),
      type: '$ProjectionCheckpoint',
      isJson: true,
      data: Buffer.from('""'),
      metadata: Buffer.from(JSON.stringify(this.tag(projection, at))),
    };
  }
}
