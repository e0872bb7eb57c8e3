import { Logger } from '@nestjs/common';
import { type LogPosition, type ProjectionDefinition } from '@shop/event-sourcing';
import { type Db } from 'mongodb';
import { checkpointId, type CheckpointStore, type PendingSwap } from './checkpoint-store';
import { collectionExists, dropCollections, ensureIndexes, physicalCollections } from './collections';
import { projectionSink } from './batch-writer';
import { headOfAll } from './event-scan';
import { toStored } from './position';
import { ProjectionRunner, type RunnerDeps, type RunnerOptions } from './projection-runner';

export interface RebuildProgress {
  processed: number;
  /** Estimated from $all positions while running; exact once done. */
  total: number;
  eventsPerSecond: number;
  etaSeconds: number | null;
  done: boolean;
}

export interface RebuildHooks {
  onProgress?: (progress: RebuildProgress) => void;
  /** Called once the shadow has caught up: stop applying to the live view before the swap. */
  pauseLive: () => Promise<void>;
  signal?: AbortSignal;
}

/**
 * Zero-downtime rebuild: the new version is built from the start of $all into shadow collections while the
 * live view keeps serving; once the shadow has caught up, live writes pause, each shadow collection replaces
 * its live one with an atomic renameCollection(dropTarget), and the live checkpoint takes the shadow's.
 * The swap is recorded before the renames, so a crash mid-swap is completed at the next start
 * ({@link completePendingSwap}) instead of leaving a view that is half old, half new.
 */
export async function rebuildWithShadow(
  deps: RunnerDeps,
  db: Db,
  definition: ProjectionDefinition,
  options: RunnerOptions,
  hooks: RebuildHooks,
): Promise<RebuildProgress> {
  const logger = new Logger(`Projection:${definition.name}:rebuild`);
  const shadowCheckpoint = checkpointId(definition.name, 'rebuild');
  await dropCollections(db, definition, 'rebuild');
  await deps.checkpoints.reset(shadowCheckpoint, definition.name, definition.version);
  await ensureIndexes(db, definition, 'rebuild');

  const target = { checkpointId: shadowCheckpoint, collections: physicalCollections(definition, 'rebuild') };
  const shadow = new ProjectionRunner(
    deps,
    definition,
    target,
    options,
    projectionSink(deps, definition, target, options.maxAttempts),
    'rebuilding',
  );
  const head = await headOfAll(deps.esdb);
  const started = Date.now();
  const progress = (processed: number, at: LogPosition | null, done = false): RebuildProgress => {
    const fraction = done
      ? 1
      : head && at && head.commit > 0n
        ? Number((at.commit * 10_000n) / head.commit) / 10_000
        : 0;
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    const total = done
      ? processed
      : fraction > 0
        ? Math.max(processed, Math.round(processed / fraction))
        : processed;
    const rate = processed / seconds;
    return {
      processed,
      total,
      eventsPerSecond: Math.round(rate),
      etaSeconds: done ? 0 : rate > 0 ? Math.round((total - processed) / rate) : null,
      done,
    };
  };
  const unsubscribe = shadow.onProgress((s) => hooks.onProgress?.(progress(s.processed, s.checkpoint)));

  logger.log(`rebuilding v${definition.version} into shadow collections`);
  await shadow.start();
  try {
    await shadow.caughtUp(hooks.signal);
    // Caught up means delivered, not applied: let the shadow apply everything up to the head first.
    const caughtUpAt = await headOfAll(deps.esdb);
    if (caughtUpAt) await shadow.waitFor(caughtUpAt, 60_000);
    await hooks.pauseLive();
  } finally {
    unsubscribe();
    await shadow.stop();
  }
  const final = shadow.snapshot;
  const swap: PendingSwap = {
    version: definition.version,
    position: final.checkpoint ? toStored(final.checkpoint) : null,
    processed: final.processed,
    renames: Object.fromEntries(
      Object.entries(physicalCollections(definition, 'rebuild')).map(([logical, shadowName]) => [
        shadowName,
        logical,
      ]),
    ),
  };
  await deps.checkpoints.setPendingSwap(checkpointId(definition.name), swap);
  await completePendingSwap(deps.checkpoints, db, definition.name, swap);
  await deps.checkpoints.remove(shadowCheckpoint);
  const result = progress(final.processed, final.checkpoint, true);
  hooks.onProgress?.(result);
  logger.log(
    `swapped in v${definition.version}: ${result.processed} events at ${result.eventsPerSecond} events/s`,
  );
  return result;
}

/** Renames whatever shadow collections are still there, then hands the shadow's checkpoint to the live view. */
export async function completePendingSwap(
  checkpoints: CheckpointStore,
  db: Db,
  projection: string,
  swap: PendingSwap,
): Promise<void> {
  for (const [shadowName, liveName] of Object.entries(swap.renames)) {
    if (await collectionExists(db, shadowName)) {
      await db.renameCollection(shadowName, liveName, { dropTarget: true });
    }
  }
  await checkpoints.completeSwap(checkpointId(projection), projection, swap);
}
