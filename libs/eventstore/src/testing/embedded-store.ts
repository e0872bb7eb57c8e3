import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import {
  startEmbeddedEventStore,
  type EmbeddedEventStore,
  type EmbeddedEventStoreOptions,
} from '@shop/embedded-eventstore';
import { createEventStoreServices, type EventStoreServices, type EventStoreSettings } from '@shop/eventstore';

export interface TestEventStore {
  readonly server: EmbeddedEventStore;
  readonly client: EventStoreDBClient;
  services(settings?: EventStoreSettings, client?: EventStoreDBClient): EventStoreServices;
  stop(): Promise<void>;
}

/** One in-memory server per test file; tests isolate themselves with fresh stream names. */
export const startTestEventStore = async (
  options: EmbeddedEventStoreOptions = {},
): Promise<TestEventStore> => {
  const server = await startEmbeddedEventStore({
    inMemory: true,
    port: 0,
    systemProjections: true,
    ...options,
  });
  const client = EventStoreDBClient.connectionString(server.url);
  return {
    server,
    client,
    services: (settings = {}, other = client) => createEventStoreServices(other, settings),
    stop: async () => {
      await client.dispose();
      await server.stop();
    },
  };
};

export const uniqueStream = (category = 'tally'): string => `${category}-${randomUUID()}`;
