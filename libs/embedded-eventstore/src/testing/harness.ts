import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreDBClient } from '@eventstore/db-client';
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
