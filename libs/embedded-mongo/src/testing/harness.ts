import { MongoClient } from 'mongodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmbeddedMongo, type EmbeddedMongoOptions, startEmbeddedMongo } from '../server/start';

export interface Harness {
  server: EmbeddedMongo;
  client: MongoClient;
  close(): Promise<void>;
}

/** An in-process server on a random port with a connected driver client. */
export const startHarness = async (options: EmbeddedMongoOptions = { inMemory: true }): Promise<Harness> => {
  const server = await startEmbeddedMongo({ port: 0, enableTestCommands: true, ...options });
  const client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5000 });
  await client.connect();
  return {
    server,
    client,
    close: async () => {
      await client.close();
      await server.stop();
    },
  };
};

export const tempDir = (): { path: string; remove(): void } => {
  const path = mkdtempSync(join(tmpdir(), 'embedded-mongo-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
};

/** Polls a condition with a deadline: tests wait on outcomes, never on fixed sleeps. */
export const waitFor = async (cond: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not met before deadline');
    await new Promise((r) => setTimeout(r, 10));
  }
};
