import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreDBClient, StreamNotFoundError } from '@eventstore/db-client';
import type { ResolvedEvent } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import type { EmbeddedEventStore, EmbeddedEventStoreOptions } from '../server';
import { startEmbeddedEventStore } from '../server';

/** Test-only helpers (not exported from the lib's index). */
export const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'embedded-es-'));

export interface Harness {
  server: EmbeddedEventStore;
  client: EventStoreDBClient;
  dataDir: string | null;
  /** A fresh client (own channel) on the same server. */
  newClient(): EventStoreDBClient;
  dispose(): Promise<void>;
}

export const startHarness = async (
  options: EmbeddedEventStoreOptions = { inMemory: true },
): Promise<Harness> => {
  const dataDir = options.inMemory ? null : (options.dataDir ?? (await tempDir()));
  const server = await startEmbeddedEventStore({ ...options, ...(dataDir ? { dataDir } : {}), port: 0 });
  const clients: EventStoreDBClient[] = [];
  const newClient = (): EventStoreDBClient => {
    const client = EventStoreDBClient.connectionString(server.url);
    clients.push(client);
    return client;
  };
  return {
    server,
    client: newClient(),
    dataDir,
    newClient,
    dispose: async () => {
      await Promise.all(clients.map((client) => client.dispose()));
      await server.stop();
      if (dataDir && !options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
};

export const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
};

/** A short unique suffix for category and event type names (hex digits only, so no category separator). */
export const uniqueTag = (): string => randomUUID().replace(/-/g, '').slice(0, 12);

/** A stream read with links resolved, or [] while the stream does not exist (any other error throws). */
export const readOrEmpty = (h: Harness, stream: string): Promise<ResolvedEvent[]> =>
  collect(h.client.readStream(stream, { resolveLinkTos: true })).catch((error: unknown) => {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  });

/** Polls `condition` until it holds or the deadline passes (no fixed sleeps for synchronisation). */
export const waitFor = async (
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('waitFor: condition not met before the deadline');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};
