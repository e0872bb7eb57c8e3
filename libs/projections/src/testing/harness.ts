import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { Logger } from '@nestjs/common';
import { type ProjectionDefinition } from '@shop/event-sourcing';
import { startEmbeddedEventStore, type EmbeddedEventStore } from '@shop/embedded-eventstore';
import { startEmbeddedMongo } from '@shop/embedded-mongo';
import { EventSerializer } from '@shop/eventstore';
import { type Db, MongoClient } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { type ProjectionObserver } from '../change-feed';
import { untraced } from '../event-tracer';
import { type ProjectionEngineOptions, ProjectionManager } from '../projection-manager';
import { type TallyEvent } from './tally-projection';

export interface Harness {
  esdb: EventStoreDBClient;
  mongo: MongoClient;
  db: Db;
  urls: { eventStore: string; mongo: string; dbName: string };
  eventStore: EmbeddedEventStore;
  manager(
    definitions: ProjectionDefinition[],
    options?: Partial<ProjectionEngineOptions>,
    observer?: ProjectionObserver,
  ): Promise<ProjectionManager>;
  append(streamName: string, events: TallyEvent[]): Promise<{ commit: bigint; prepare: bigint }>;
  stop(): Promise<void>;
}

/** In-memory embedded servers, the official clients, and managers that are stopped with the harness. */
export async function startHarness(): Promise<Harness> {
  // Keep test output to what matters; the engine's info logs (rebuilds, swaps) are noise here.
  Logger.overrideLogger(['warn', 'error']);
  const eventStore = await startEmbeddedEventStore({ inMemory: true, port: 0, systemProjections: true });
  const mongoServer = await startEmbeddedMongo({ inMemory: true, port: 0, enableTestCommands: true });
  const esdb = EventStoreDBClient.connectionString(eventStore.url);
  const mongo = await new MongoClient(mongoServer.uri).connect();
  const dbName = `projections_${randomUUID().slice(0, 8)}`;
  const db = mongo.db(dbName);
  const managers: ProjectionManager[] = [];
  return {
    esdb,
    mongo,
    db,
    eventStore,
    urls: { eventStore: eventStore.url, mongo: mongoServer.uri, dbName },
    manager: async (definitions, options = {}, observer) => {
      const manager = new ProjectionManager(
        mongo,
        db,
        esdb,
        new EventSerializer(),
        definitions,
        { watchdogIntervalMs: 200, leaseTtlMs: 3_000, ...options },
        [],
        untraced,
        observer,
      );
      managers.push(manager);
      await manager.onApplicationBootstrap();
      return manager;
    },
    append: async (streamName, events) => {
      const result = await esdb.appendToStream(
        streamName,
        events.map((e) => jsonEvent({ type: e.type, data: e.data })),
      );
      return result.position!;
    },
    stop: async () => {
      await Promise.all(managers.map((m) => m.onApplicationShutdown()));
      await mongo.close();
      await esdb.dispose();
      await mongoServer.stop();
      await eventStore.stop();
    },
  };
}

/** Polls until `probe` returns true, failing after the deadline: tests wait on conditions, never on sleeps. */
export async function eventually(probe: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
