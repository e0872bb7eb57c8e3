import { Logger } from '@nestjs/common';
import { type ProjectionDefinition } from '@shop/event-sourcing';
import { type Db } from 'mongodb';
import { checkpointId, type CheckpointStore, type PendingSwap } from './checkpoint-store';
import { collectionExists, dropCollections, ensureIndexes, physicalCollections } from './collections';
import { projectionSink } from './batch-writer';
import { headOfAll } from './event-scan';
import { toStored } from './position';
import { expectedEvents, ProgressMeter, type RebuildProgress } from './rebuild-progress';
import { ProjectionRunner, type RunnerDeps, type RunnerOptions } from './projection-runner';

export { type RebuildProgress } from './rebuild-progress';

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
  const meter = new ProgressMeter(await expectedEvents(deps.esdb, deps.checkpoints, definition));
  const unsubscribe = shadow.onProgress((s) => hooks.onProgress?.(meter.at(s.processed)));

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
  const result = meter.done(final.processed);
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
