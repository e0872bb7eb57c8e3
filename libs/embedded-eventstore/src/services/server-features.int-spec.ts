import { credentials } from '@grpc/grpc-js';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { ServerFeaturesClient } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import type { SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import { Empty } from '@eventstore/db-client/generated/shared_pb';
import { startEmbeddedEventStore } from '../server';
import type { Harness } from '../testing/harness';
import { collect, startHarness } from '../testing/harness';

const supportedMethods = async (port: number): Promise<SupportedMethods> => {
  const client = new ServerFeaturesClient(`127.0.0.1:${port}`, credentials.createInsecure());
  try {
    return await new Promise<SupportedMethods>((resolve, reject) =>
      client.getSupportedMethods(new Empty(), (error, value) => (error ? reject(error) : resolve(value))),
    );
  } finally {
    client.close();
  }
};

describe('server features and gossip', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.dispose());

  it('advertises version 26.1.0 and the implemented methods, BatchAppend with deadline_duration', async () => {
    const client = new ServerFeaturesClient(`127.0.0.1:${h.server.port}`, credentials.createInsecure());
    try {
      const reply = await new Promise<SupportedMethods>((resolve, reject) =>
        client.getSupportedMethods(new Empty(), (error, value) => (error ? reject(error) : resolve(value))),
      );
      expect(reply.getEventStoreServerVersion()).toBe('26.1.0');
      const methods = reply.getMethodsList().map((m) => `${m.getServiceName()}/${m.getMethodName()}`);
      expect(methods).toEqual(
        expect.arrayContaining([
          'event_store.client.streams.streams/batchappend',
          'event_store.client.streams.streams/read',
          'event_store.client.gossip.gossip/read',
          'kurrentdb.protocol.v2.streams.streamsservice/appendsession',
          'kurrentdb.protocol.v2.streams.streamsservice/appendrecords',
        ]),
      );
      const batch = reply.getMethodsList().find((m) => m.getMethodName() === 'batchappend');
      expect(batch!.getFeaturesList()).toEqual(['deadline_duration']);
    } finally {
      client.close();
    }
  });

  it('serves discovery: esdb+discover:// finds the single leader through Gossip.Read', async () => {
    const discovering = EventStoreDBClient.connectionString(
      `esdb+discover://127.0.0.1:${h.server.port}?tls=false&discoveryInterval=10&maxDiscoverAttempts=3`,
    );
    try {
      await discovering.appendToStream('discovered', jsonEvent({ type: 'Found', data: {} }));
      expect(await collect(discovering.readStream('discovered'))).toHaveLength(1);
    } finally {
      await discovering.dispose();
    }
  });

  it('newerProtocol: false serves as 24.10: classic methods only, no AppendSession or AppendRecords', async () => {
    const classic = await startEmbeddedEventStore({ inMemory: true, newerProtocol: false });
    const client = EventStoreDBClient.connectionString(classic.url);
    try {
      const reply = await supportedMethods(classic.port);
      expect(reply.getEventStoreServerVersion()).toBe('24.10.0');
      const methods = reply.getMethodsList().map((m) => `${m.getServiceName()}/${m.getMethodName()}`);
      expect(methods).toContain('event_store.client.streams.streams/batchappend');
      expect(methods.filter((m) => m.startsWith('kurrentdb.protocol.v2.'))).toEqual([]);
      // The classic protocol is unchanged.
      await client.appendToStream('classic', jsonEvent({ type: 'Still', data: {} }));
      expect(await collect(client.readStream('classic'))).toHaveLength(1);
    } finally {
      await client.dispose();
      await classic.stop();
    }
  });
});
