/*
 * The official client's generated grpc-js service definitions and message classes. They are loaded
 * from inside `@eventstore/db-client` so that the server uses the very same module instances as the
 * client: the generated serializers reject messages built from another copy (`instanceof` checks).
 */
import type * as StreamsPb from '@eventstore/db-client/generated/streams_pb';
import type * as SharedPb from '@eventstore/db-client/generated/shared_pb';
import type * as StatusPb from '@eventstore/db-client/generated/status_pb';
import type * as ServerFeaturesPb from '@eventstore/db-client/generated/serverfeatures_pb';
import type * as GossipPb from '@eventstore/db-client/generated/gossip_pb';
import type * as PersistentPb from '@eventstore/db-client/generated/persistent_pb';
import type * as ProjectionsPb from '@eventstore/db-client/generated/projections_pb';
import type { ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { createRequire } from 'node:module';

/** `require` from inside `@eventstore/db-client`: its generated code and its copy of google-protobuf. */
export const clientRequire = createRequire(require.resolve('@eventstore/db-client/package.json'));

interface AnyMessage {
  setTypeUrl(url: string): void;
  setValue(value: Uint8Array): void;
  pack(serialized: Uint8Array, name: string, prefix?: string): void;
}
interface AnyCtor {
  new (): AnyMessage;
}

export const streamsPb = clientRequire('./generated/streams_pb') as typeof StreamsPb;
export const sharedPb = clientRequire('./generated/shared_pb') as typeof SharedPb;
export const statusPb = clientRequire('./generated/status_pb') as typeof StatusPb;
export const serverFeaturesPb = clientRequire('./generated/serverfeatures_pb') as typeof ServerFeaturesPb;
export const gossipPb = clientRequire('./generated/gossip_pb') as typeof GossipPb;
export const persistentPb = clientRequire('./generated/persistent_pb') as typeof PersistentPb;
export const projectionsPb = clientRequire('./generated/projections_pb') as typeof ProjectionsPb;
export const structPb = clientRequire('google-protobuf/google/protobuf/struct_pb') as {
  Value: { fromJavaScript(value: unknown): unknown };
};
export const anyPb = clientRequire('google-protobuf/google/protobuf/any_pb') as { Any: AnyCtor };
export const emptyPb = clientRequire('google-protobuf/google/protobuf/empty_pb') as {
  Empty: new () => object;
};

type GrpcModule = Record<string, ServiceDefinition<UntypedServiceImplementation>>;
const grpcModule = (name: string): GrpcModule => clientRequire(`./generated/${name}_grpc_pb`) as GrpcModule;

const service = (module: string, name: string): ServiceDefinition<UntypedServiceImplementation> => {
  const definition = grpcModule(module)[name];
  if (!definition) throw new Error(`@eventstore/db-client does not ship ${name} in ${module}_grpc_pb`);
  return definition;
};

export const StreamsService = service('streams', 'StreamsService');
export const ServerFeaturesService = service('serverfeatures', 'ServerFeaturesService');
export const GossipService = service('gossip', 'GossipService');
export const PersistentSubscriptionsService = service('persistent', 'PersistentSubscriptionsService');
export const ProjectionsService = service('projections', 'ProjectionsService');
