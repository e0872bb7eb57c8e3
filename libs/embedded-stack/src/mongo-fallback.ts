import type { EmbeddedMongo } from '@shop/embedded-mongo';
import * as fs from 'node:fs/promises';

/**
 * MongoDB holds only what the event log can rebuild (read models, checkpoints, leases, parked events), so a
 * damaged journal or snapshot does not stop the application: the damaged directory is kept aside untouched,
 * an empty database takes its place, and every projection replays the event log from the start. It says so
 * loudly, because until the replay finishes the read models are behind.
 */
export async function startMongoOrFallBack(
  dbPath: string,
  start: (dbPath: string) => Promise<EmbeddedMongo>,
  warn: (message: string) => void = (message) => console.error(message),
): Promise<EmbeddedMongo> {
  try {
    return await start(dbPath);
  } catch (error) {
    // Loaded here, not at the top: the server's code is loaded only by a process that starts one.
    const { MongoStorageCorruptionError } = await import('@shop/embedded-mongo');
    if (!(error instanceof MongoStorageCorruptionError)) throw error;
    const aside = `${dbPath}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await fs.rename(dbPath, aside);
    warn(
      `${error.message}. Fell back to the event log: the damaged database was kept untouched in ${aside}, ` +
        'an empty one took its place, and every read model is being rebuilt by replaying the event log ' +
        '(readiness reports catching-up until the projections are live)',
    );
    return start(dbPath);
  }
}
