import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import type { SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import { serverFeaturesPb } from '../protocol/generated';

export const SERVER_VERSION = '24.10.0';

export interface AdvertisedMethod {
  service: string;
  method: string;
  features?: string[];
}

/** Only what is really implemented: the client picks code paths (e.g. BatchAppend) from this list. */
export const STREAMS_METHODS: AdvertisedMethod[] = [
  { service: 'event_store.client.streams.streams', method: 'read', features: ['position', 'events'] },
  { service: 'event_store.client.streams.streams', method: 'append' },
  // Not 'deadline_duration': only the Timestamp deadline is read, so newer clients must keep sending that.
  { service: 'event_store.client.streams.streams', method: 'batchappend' },
  // The newer protocol's atomic multi-stream append (client: multiStreamAppend), checked by feature.
  { service: 'kurrentdb.protocol.v2.streams.streamsservice', method: 'appendsession' },
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

export const serverFeaturesHandler =
  (methods: readonly AdvertisedMethod[]) =>
  (_call: ServerUnaryCall<unknown, SupportedMethods>, callback: sendUnaryData<SupportedMethods>): void => {
    const reply = new serverFeaturesPb.SupportedMethods();
    reply.setEventStoreServerVersion(SERVER_VERSION);
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
