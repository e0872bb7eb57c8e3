import { mkdirSync, promises as fsp, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Catalog, type Op } from '../engine/catalog';
import type { ChangeLog } from '../engine/change-log';
import { decodeOps, encodeOps } from './op-codec';
import { frame, JournalWriter } from './journal';
import { readJournal, readSnapshot, snapshotHeader, snapshotTrailer } from './recovery';
import { acquireLock } from './lock-file';

export const COMPACT_AFTER_BYTES = 64 * 1024 * 1024;
const SNAPSHOT = 'snapshot.bin';
const journalName = (gen: number): string => `journal-${String(gen).padStart(10, '0')}.log`;
const genOf = (file: string): number => Number(/^journal-(\d+)\.log$/.exec(file)?.[1] ?? NaN);
/** A journal or its `.ack` sidecar: removed together once a snapshot covers them. */
const fileGen = (file: string): number => Number(/^journal-(\d+)\.log(\.ack)?$/.exec(file)?.[1] ?? NaN);

/**
 * Committed state plus its durability: every commit is applied in memory and appended to the journal, and its
 * promise resolves once the journal is fsynced. The journal is periodically folded into a snapshot.
 */
export class Storage {
  readonly catalog = new Catalog();
  private journal: JournalWriter | null = null;
  private gen = 0;
  private replayedBytes = 0;
  private compacting: Promise<void> | null = null;
  private releaseLock: (() => void) | null = null;
  private unsynced: Op[] = [];

  private constructor(
    private readonly dbPath: string | null,
    private readonly compactAfter: number,
  ) {}

  static async open(dbPath: string | null, compactAfter = COMPACT_AFTER_BYTES): Promise<Storage> {
    const s = new Storage(dbPath, compactAfter);
    if (dbPath) {
      mkdirSync(dbPath, { recursive: true, mode: 0o700 });
      s.releaseLock = acquireLock(dbPath);
      try {
        await s.recover(dbPath);
      } catch (e) {
        s.releaseLock();
        throw e;
      }
    }
    return s;
  }

  private async recover(dbPath: string): Promise<void> {
    const snap = readSnapshot(join(dbPath, SNAPSHOT));
    let firstGen = 0;
    if (snap) {
      firstGen = snap.gen;
      for (const payload of snap.payloads)
        for (const op of decodeOps(payload, this.catalog)) this.catalog.apply(op);
    }
    const gens = readdirSync(dbPath)
      .map(genOf)
      .filter((g) => Number.isInteger(g))
      .sort((a, b) => a - b);
    for (const g of gens.filter((x) => x < firstGen)) {
      await fsp.rm(join(dbPath, journalName(g)), { force: true });
      await fsp.rm(join(dbPath, `${journalName(g)}.ack`), { force: true });
    }
    const live = gens.filter((g) => g >= firstGen);
    live.forEach((g, i) => {
      const journal = readJournal(join(dbPath, journalName(g)), i === live.length - 1);
      if (journal.cutBytes > 0)
        console.warn(
          `embedded-mongo: cut a torn tail of ${journal.cutBytes} byte(s) from ${journalName(g)}: a write ` +
            'that was never acknowledged',
        );
      for (const payload of journal.payloads) {
        this.replayedBytes += payload.length;
        for (const op of decodeOps(payload, this.catalog)) this.catalog.apply(op);
      }
    });
    this.gen = Math.max(firstGen, ...live) + 1;
    this.journal = await JournalWriter.open(join(dbPath, journalName(this.gen)));
    if (this.replayedBytes > this.compactAfter) this.compactInBackground();
  }

  /** Whether changes are journaled (false in memory mode). */
  get durable(): boolean {
    return this.journal !== null;
  }

  /** The change log (change streams, snapshot reads): told of every op before it is applied. */
  changes: ChangeLog | null = null;

  /** Count of ops applied so far: lets a command tell whether anything changed while it ran. */
  applied = 0;
  private lastAppend: Promise<void> = Promise.resolve();

  /** Applies an op in memory now; it becomes durable with the next `sync()`. */
  apply(op: Op): void {
    const changes = this.changes;
    if (!changes) {
      this.catalog.apply(op);
    } else {
      const mark = changes.end;
      changes.record(op, this.catalog);
      try {
        this.catalog.apply(op);
      } catch (e) {
        changes.truncate(mark);
        throw e;
      }
      changes.applied(op, this.catalog);
    }
    this.applied++;
    if (this.journal) this.unsynced.push(op);
  }

  /**
   * Journals everything applied since the last sync as one frame (so a command or a transaction commit is
   * all-or-nothing after a crash); resolves once it is fsynced (immediately in memory mode).
   */
  sync(): Promise<void> {
    // Another command may already have journaled our ops in its frame (commands interleave at awaits): then
    // the latest append covers them, as appends become durable in order.
    if (!this.journal || this.unsynced.length === 0) return this.lastAppend;
    const ops = this.unsynced;
    this.unsynced = [];
    this.lastAppend = this.journal.append(encodeOps(ops));
    const changes = this.changes;
    if (changes) {
      const upTo = changes.end;
      this.lastAppend.then(
        () => changes.markDurable(upTo),
        () => undefined,
      );
    }
    if (this.journal.bytes + this.replayedBytes > this.compactAfter) this.compactInBackground();
    return this.lastAppend;
  }

  commit(ops: readonly Op[]): Promise<void> {
    for (const op of ops) this.apply(op);
    return this.sync();
  }

  private startCompaction(): Promise<void> {
    if (this.compacting || !this.dbPath) return this.compacting ?? Promise.resolve();
    const run = this.writeSnapshot(this.dbPath).finally(() => (this.compacting = null));
    // waiters (close, the next compact) only need it finished, failed or not
    this.compacting = run.catch(() => undefined);
    return run;
  }

  private compactInBackground(): void {
    if (this.compacting) return;
    this.startCompaction().catch((e: unknown) =>
      console.error('embedded-mongo: snapshot failed, journal kept', e),
    );
  }

  /** Folds the journal into a snapshot now (one at a time: a running one is waited for first). */
  async compact(): Promise<void> {
    while (this.compacting) await this.compacting;
    await this.startCompaction();
  }

  /** Crash-safe at every step: the old snapshot and journals stay valid until the new snapshot replaces them. */
  private async writeSnapshot(dbPath: string): Promise<void> {
    if (!this.journal) return;
    const nextGen = this.gen + 1;
    const next = await JournalWriter.open(join(dbPath, journalName(nextGen)), this.journal);
    // Capture and switch in one synchronous step: every later commit lands in the new journal.
    const old = this.journal;
    this.journal = next;
    this.gen = nextGen;
    this.replayedBytes = 0;
    const image = [...this.catalog.collections.values()].map((c) => ({
      ns: c.ns,
      options: c.options,
      specs: c.specs().filter((s) => s.name !== '_id_'),
      recs: [...c.records.values()],
    }));
    const tmp = join(dbPath, SNAPSHOT + '.tmp');
    const fh = await fsp.open(tmp, 'w', 0o600);
    try {
      let frames = 1;
      await fh.write(snapshotHeader(nextGen));
      for (const c of image) {
        await fh.write(frame(encodeOps([{ t: 'create', ns: c.ns, options: c.options }])));
        frames++;
        for (let i = 0; i < c.recs.length; i += 2000) {
          const chunk = c.recs.slice(i, i + 2000).map((rec): Op => ({ t: 'put', ns: c.ns, rec }));
          await fh.write(frame(encodeOps(chunk)));
          frames++;
        }
        const idx = c.specs.map((spec): Op => ({ t: 'createIndex', ns: c.ns, spec }));
        if (idx.length) {
          await fh.write(frame(encodeOps(idx)));
          frames++;
        }
      }
      await fh.write(snapshotTrailer(frames));
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, join(dbPath, SNAPSHOT));
    const dir = await fsp.open(dbPath, 'r');
    await dir.sync().finally(() => dir.close());
    await old.close();
    for (const f of readdirSync(dbPath))
      if (fileGen(f) < nextGen) await fsp.rm(join(dbPath, f), { force: true });
  }

  async close(): Promise<void> {
    while (this.compacting) await this.compacting;
    await this.journal?.close();
    this.journal = null;
    this.releaseLock?.();
    this.releaseLock = null;
  }
}
