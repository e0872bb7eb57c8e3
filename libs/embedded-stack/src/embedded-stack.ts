// Type imports only: the servers' code loads when this process starts them, not when it uses another
// process's (the CLI's usual case, which would otherwise spend most of its start loading them).
import type { EmbeddedEventStore } from '@shop/embedded-eventstore';
import type { EmbeddedMongo } from '@shop/embedded-mongo';
import * as path from 'node:path';
import { prepareDataDir } from './data-dir-permissions';
import { startMongoOrFallBack } from './mongo-fallback';
import { processAlive, reachable, readDiscovery, removeDiscovery, writeDiscovery } from './discovery';
import { secureStackOptions, usable } from './secure-stack';
import { attachSupervised } from './takeover';

export interface StackOptions {
  dataDir: string;
  /** External servers; an unset one is replaced by the embedded server. */
  eventStoreUrl?: string | undefined;
  mongoUrl?: string | undefined;
  /** Ports for servers this process starts (default 0: any free port, published in the discovery file). */
  eventStorePort?: number;
  mongoPort?: number;
  /**
   * Reuse servers already run by another process on the same data directory (default true), taking them
   * over if that process stops (see attachSupervised).
   */
  reuse?: boolean;
  /** Test-only server commands (fail points) on the embedded MongoDB: devstack yes, production never. */
  enableTestCommands?: boolean;
  /** Start embedded servers with TLS, users and access control (EMBEDDED_SECURE). */
  secure?: boolean;
  /**
   * The embedded EventStoreDB runs the standard system projections ($ce-, $et-, $category-, $streams),
   * default false as a real node (EMBEDDED_SYSTEM_PROJECTIONS). Servers reused from another process keep theirs.
   */
  systemProjections?: boolean;
  /** The application's MongoDB database, which its user gets readWrite and dbAdmin on (default shop). */
  mongoDatabase?: string;
  /** Told about a takeover of the data directory. */
  log?: (message: string) => void;
}

export interface Stack {
  eventStoreUrl: string;
  mongoUrl: string;
  /** Which servers this process started (and will stop). */
  started: { eventStore: boolean; mongo: boolean };
  stop(): Promise<void>;
}

/**
 * Resolves where EventStoreDB and MongoDB are: the configured URLs, else the embedded servers of another
 * process on this data directory (an API or devstack, found through its discovery file; taken over if that
 * process stops), else embedded servers started here, on loopback, with their data under `dataDir`.
 */
export async function connectOrStartEmbedded(options: StackOptions): Promise<Stack> {
  const external = { eventStoreUrl: options.eventStoreUrl, mongoUrl: options.mongoUrl };
  if (external.eventStoreUrl && external.mongoUrl) {
    return {
      eventStoreUrl: external.eventStoreUrl,
      mongoUrl: external.mongoUrl,
      started: { eventStore: false, mongo: false },
      stop: async () => {},
    };
  }
  if (options.reuse !== false) {
    const found = await findRunning(options.dataDir, options.secure === true);
    if (found) {
      return attachSupervised({
        dataDir: options.dataDir,
        eventStoreUrl: external.eventStoreUrl ?? found.eventStoreUrl,
        mongoUrl: external.mongoUrl ?? found.mongoUrl,
        attached: { eventStore: !external.eventStoreUrl, mongo: !external.mongoUrl },
        start: (ports) => connectOrStartEmbedded({ ...options, ...ports, reuse: false }),
        ...(options.log ? { log: options.log } : {}),
      });
    }
  }
  await prepareDataDir(options.dataDir);
  const security = options.secure
    ? await secureStackOptions(options.dataDir, options.mongoDatabase ?? 'shop')
    : undefined;
  const eventStore = external.eventStoreUrl
    ? undefined
    : await (
        await import('@shop/embedded-eventstore')
      ).startEmbeddedEventStore({
        dataDir: path.join(options.dataDir, 'eventstore'),
        port: options.eventStorePort ?? 0,
        systemProjections: options.systemProjections === true,
        ...(security ? { security: security.eventStore } : {}),
      });
  let mongo: EmbeddedMongo | undefined;
  try {
    mongo = external.mongoUrl
      ? undefined
      : await startMongoOrFallBack(path.join(options.dataDir, 'mongo'), async (dbPath) =>
          (await import('@shop/embedded-mongo')).startEmbeddedMongo({
            dbPath,
            port: options.mongoPort ?? 0,
            enableTestCommands: options.enableTestCommands === true,
            ...(security ? { security: security.mongo } : {}),
          }),
        );
  } catch (error) {
    await eventStore?.stop();
    throw error;
  }
  // Each URL is either configured or belongs to the server just started.
  const eventStoreUrl = external.eventStoreUrl ?? (eventStore as EmbeddedEventStore).url;
  const mongoUrl = external.mongoUrl ?? (mongo as EmbeddedMongo).uri;
  await writeDiscovery(options.dataDir, {
    pid: process.pid,
    ...(eventStore ? { eventStoreUrl } : {}),
    ...(mongo ? { mongoUrl } : {}),
    startedAt: new Date().toISOString(),
  });
  return {
    eventStoreUrl,
    mongoUrl,
    started: { eventStore: eventStore !== undefined, mongo: mongo !== undefined },
    stop: async () => {
      await removeDiscovery(options.dataDir, process.pid);
      await Promise.all([eventStore?.stop(), mongo?.stop()]);
    },
  };
}

async function findRunning(
  dataDir: string,
  secure: boolean,
): Promise<{ eventStoreUrl: string; mongoUrl: string } | null> {
  const record = await readDiscovery(dataDir);
  if (!record?.eventStoreUrl || !record.mongoUrl || !processAlive(record.pid)) return null;
  if (!usable(record.eventStoreUrl, secure) || !usable(record.mongoUrl, secure)) return null;
  const [esdb, mongo] = await Promise.all([reachable(record.eventStoreUrl), reachable(record.mongoUrl)]);
  return esdb && mongo ? { eventStoreUrl: record.eventStoreUrl, mongoUrl: record.mongoUrl } : null;
}
