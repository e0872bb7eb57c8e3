import { promises as fsp } from 'node:fs';
import type { LogProblem } from './log-scan';
import { scanLog, verifyLog } from './log-scan';
import { openSegmentLog } from './recovery';

export interface StoreVerifyReport {
  dir: string;
  segments: number;
  validRecords: number;
  acknowledgedEnd: number | null;
  /** Torn tails a start would cut (harmless) and damage that makes a start refuse. */
  problems: LogProblem[];
  /** False when a start would refuse. */
  ok: boolean;
}

/** Reads the log in `dir` without modifying anything and reports what a start would do with it. */
export const verifyStore = async (dir: string): Promise<StoreVerifyReport> => {
  const scan = await scanLog(dir);
  const problems = verifyLog(scan);
  return {
    dir,
    segments: scan.segments.length,
    validRecords: scan.records.length,
    acknowledgedEnd: scan.mark.state === 'ok' ? scan.mark.position : null,
    problems,
    ok: problems.every((p) => p.tornTail),
  };
};

export interface SalvageReport {
  from: string;
  to: string;
  copied: number;
  problems: LogProblem[];
  /** Streams whose salvaged revisions are not 0, 1, 2, ...: events of theirs were in the damage. */
  streamsWithGaps: string[];
}

/**
 * Copies every valid record of the log in `from` into a new log in `to` (which must not exist or be empty),
 * in log order with their stream revisions; `from` is only read. Positions in the new log are dense again,
 * so read-model checkpoints taken against the old log no longer apply: rebuild the projections after.
 */
export const salvageStore = async (from: string, to: string): Promise<SalvageReport> => {
  const existing = await fsp.readdir(to).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw e;
  });
  if (existing.length > 0) throw new Error(`salvage target ${to} is not empty; pass a new directory`);
  const scan = await scanLog(from);
  const { log } = await openSegmentLog(to);
  const next = new Map<string, number>();
  const gaps = new Set<string>();
  try {
    for (let i = 0; i < scan.records.length; i += 1000) {
      const batch = scan.records.slice(i, i + 1000);
      for (const r of batch) {
        if (r.tombstone) continue;
        if (r.revision !== (next.get(r.streamName) ?? 0)) gaps.add(r.streamName);
        next.set(r.streamName, r.revision + 1);
      }
      await log.append(
        batch.map((r) => ({
          streamName: r.streamName,
          revision: r.revision,
          tombstone: r.tombstone,
          id: r.id,
          type: r.type,
          isJson: r.isJson,
          createdMs: r.createdMs,
          data: r.data,
          metadata: r.metadata,
        })),
      ).durable;
    }
  } finally {
    await log.close();
  }
  return {
    from,
    to,
    copied: scan.records.length,
    problems: verifyLog(scan),
    streamsWithGaps: [...gaps].sort(),
  };
};
