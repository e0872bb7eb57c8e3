import type { EventStore } from '../store/event-store';
import { streamView } from '../streams/stream-view';
import { CONFIG_STREAM } from './delivery-source';
import { groupDropped, groupExists, groupNotFound } from './errors';
import type { GroupConfig, GroupSource } from './group-config';
import { groupKey, sourceName } from './group-config';
import { PersistentGroup, checkpointStreamOf } from './group';

const TICK_MS = 100;

/**
 * All persistent subscription groups. Definitions are stored as a snapshot event in a system stream and
 * each group's checkpoint in its own checkpoint stream, so both come back with the log on restart.
 */
export class GroupRegistry {
  private readonly groups = new Map<string, PersistentGroup>();
  /**
   * Sources that had a group since the subsystem (re)started. The real server keeps a source's (possibly
   * empty) list once a group was created on it, and answers List for any other source with NOT_FOUND.
   */
  private readonly topics = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private readonly offDurable: () => void;

  constructor(private readonly store: EventStore) {
    this.load();
    this.timer = setInterval(() => {
      for (const group of this.groups.values()) {
        try {
          group.tick();
        } catch (error) {
          process.emitWarning(`embedded-eventstore: persistent subscription tick failed: ${String(error)}`);
        }
      }
    }, TICK_MS);
    this.timer.unref();
    this.offDurable = store.onDurable(() => this.groups.forEach((g) => g.pump()));
  }

  get(source: GroupSource, group: string): PersistentGroup {
    const found = this.groups.get(groupKey(source, group));
    if (!found) throw groupNotFound(sourceName(source), group);
    return found;
  }

  list(source?: GroupSource): PersistentGroup[] {
    const all = [...this.groups.values()];
    if (!source) return all;
    if (!this.topics.has(sourceName(source))) throw groupNotFound(sourceName(source), '');
    return all.filter((g) => sourceName(g.config.source) === sourceName(source));
  }

  /**
   * RestartSubsystem: every consumer is dropped, then groups come back from their stored definitions and
   * checkpoints, so whatever was in flight and unacknowledged is delivered again.
   */
  restart(): void {
    for (const group of this.groups.values()) {
      group.dispose(groupDropped(sourceName(group.config.source), group.config.group, 'subsystem restart'));
    }
    this.groups.clear();
    this.topics.clear();
    this.load();
  }

  async create(config: Omit<GroupConfig, 'startKey'>): Promise<void> {
    const key = groupKey(config.source, config.group);
    if (this.groups.has(key)) throw groupExists(sourceName(config.source), config.group);
    const full: GroupConfig = { ...config, startKey: this.resolveStart(config) };
    this.groups.set(key, new PersistentGroup(this.store, full, null));
    this.topics.add(sourceName(config.source));
    await this.persist();
  }

  async update(config: Omit<GroupConfig, 'startKey'>): Promise<void> {
    const existing = this.get(config.source, config.group);
    existing.config = { ...config, startKey: existing.config.startKey, filter: existing.config.filter };
    await this.persist();
  }

  async delete(source: GroupSource, group: string): Promise<void> {
    const existing = this.get(source, group);
    this.groups.delete(groupKey(source, group));
    // The real server drops consumers of a deleted group with PersistentSubscriptionDoesNotExist.
    existing.dispose(groupNotFound(sourceName(source), group));
    await this.persist();
  }

  close(): void {
    clearInterval(this.timer);
    this.offDurable();
    this.groups.forEach((g) => g.dispose(undefined));
  }

  /** `end` means "from now": resolved once, so a restart before the first checkpoint loses nothing. */
  private resolveStart(config: Omit<GroupConfig, 'startKey'>): number {
    if (typeof config.startFrom === 'number') return config.startFrom;
    if (config.startFrom === 'start') return 0;
    if (config.source.kind === 'stream') {
      return this.store.stream(config.source.stream)?.durableLength(this.store.durableCount) ?? 0;
    }
    return (this.store.all[this.store.durableCount - 1]?.position ?? 0) + 1;
  }

  private load(): void {
    for (const config of this.loadConfigs()) {
      const checkpoint = this.lastJson(checkpointStreamOf(config));
      this.groups.set(
        groupKey(config.source, config.group),
        new PersistentGroup(this.store, config, typeof checkpoint === 'number' ? checkpoint : null),
      );
      this.topics.add(sourceName(config.source));
    }
  }

  private async persist(): Promise<void> {
    const snapshot = [...this.groups.values()].map((g) => g.config);
    await this.store.append(CONFIG_STREAM, { kind: 'any' }, [
      {
        id: crypto.randomUUID(),
        type: '$PersistentConfig',
        isJson: true,
        data: Buffer.from(JSON.stringify(snapshot)),
        metadata: new Uint8Array(0),
      },
    ]);
  }

  private loadConfigs(): GroupConfig[] {
    const configs = this.lastJson(CONFIG_STREAM);
    return Array.isArray(configs) ? (configs as GroupConfig[]) : [];
  }

  private lastJson(stream: string): unknown {
    const view = streamView(this.store, stream);
    if (view.kind !== 'ok') return undefined;
    try {
      return JSON.parse(Buffer.from(view.events[view.last]!.data).toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  }
}
