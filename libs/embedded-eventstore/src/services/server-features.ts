import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import type { SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import { serverFeaturesPb } from '../protocol/generated';

/**
 * The first release with every method advertised below (AppendRecords is 26.1; the newer client gates
 * multiStreamAppend/appendRecords on the methods, not on this string; 6.2.1 reads it for a log line only,
 * the newer client also to drop PinnedByCorrelation below 21.10.1). Behaviour elsewhere is measured
 * against 24.10 (README).
 */
export const SERVER_VERSION = '26.1.0';

export interface AdvertisedMethod {
  service: string;
  method: string;
  features?: string[];
}

/** Only what is really implemented: the client picks code paths (e.g. BatchAppend) from this list. */
export const STREAMS_METHODS: AdvertisedMethod[] = [
  { service: 'event_store.client.streams.streams', method: 'read', features: ['position', 'events'] },
  { service: 'event_store.client.streams.streams', method: 'append' },
  // Both deadlines are read: the Duration of newer protocol versions and the Timestamp of 21.10 clients.
  { service: 'event_store.client.streams.streams', method: 'batchappend', features: ['deadline_duration'] },
  // The newer protocol's atomic multi-stream appends (client: multiStreamAppend, appendRecords).
  { service: 'kurrentdb.protocol.v2.streams.streamsservice', method: 'appendsession' },
  { service: 'kurrentdb.protocol.v2.streams.streamsservice', method: 'appendrecords' },
  { service: 'event_store.client.streams.streams', method: 'delete' },
  { service: 'event_store.client.streams.streams', method: 'tombstone' },
  { service: 'event_store.client.server_features.serverfeatures', method: 'getsupportedmethods' },
  { service: 'event_store.client.gossip.gossip', method: 'read' },
  ...['create', 'update', 'delete', 'read', 'getinfo', 'replayparked', 'list'].map((method) => ({
    service: 'event_store.client.persistent_subscriptions.persistentsubscriptions',
    method,
    features: ['stream', 'all'],
  })),
  {
    service: 'event_store.client.persistent_subscriptions.persistentsubscriptions',
    method: 'restartsubsystem',
  },
];

/** The version a node reports that serves only the classic protocol (EventStoreDB 24.10). */
export const CLASSIC_SERVER_VERSION = '24.10.0';

const isNewerProtocol = ({ service }: AdvertisedMethod): boolean =>
  service.startsWith('kurrentdb.protocol.v2.');

/** What a node without the newer protocol (24.10) advertises. */
export const CLASSIC_STREAMS_METHODS: AdvertisedMethod[] = STREAMS_METHODS.filter((m) => !isNewerProtocol(m));

export const serverFeaturesHandler =
  (methods: readonly AdvertisedMethod[], version = SERVER_VERSION) =>
  (_call: ServerUnaryCall<unknown, SupportedMethods>, callback: sendUnaryData<SupportedMethods>): void => {
    const reply = new serverFeaturesPb.SupportedMethods();
    reply.setEventStoreServerVersion(version);
    reply.setMethodsList(
      methods.map(({ service, method, features }) => {
        const supported = new serverFeaturesPb.SupportedMethod();
        supported.setServiceName(service);
        supported.setMethodName(method);
        supported.setFeaturesList(features ?? []);
        return supported;
      }),
    );
    callback(null, reply);
  };
