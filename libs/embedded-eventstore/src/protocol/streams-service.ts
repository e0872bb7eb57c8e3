import type { ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { StoredEvent } from '../storage/stored-event';
import { StreamsService } from './generated';
import { encodeReadEvent } from './read-resp-encoder';

/**
 * The generated Streams service definition, except that Read also accepts an already-encoded ReadResp
 * (a Buffer) for events, which skips google-protobuf on the hot read path. Everything else, including the
 * request deserializers, is the client's generated code.
 */
export const streamsServiceDefinition = (): ServiceDefinition<UntypedServiceImplementation> => {
  const read = StreamsService['read'];
  if (!read) throw new Error('StreamsService has no read method');
  return {
    ...StreamsService,
    read: {
      ...read,
      responseSerialize: (value: unknown): Buffer =>
        Buffer.isBuffer(value) ? value : read.responseSerialize(value),
    },
  };
};

/** An event (and the link it was read through) ready to write on a Read call of `streamsServiceDefinition`. */
export const encodedReadResp = (resolved: { event?: StoredEvent; link?: StoredEvent }): ReadResp =>
  encodeReadEvent(resolved.event, resolved.link) as unknown as ReadResp;
