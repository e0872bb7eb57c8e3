import type { ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { StoredEvent } from '../storage/stored-event';
import { StreamsService } from './generated';
import { durationDeadlineMs } from './batch-append-deadline';
import { encodeReadEvent } from './read-resp-encoder';

const durationDeadlines = new WeakMap<object, number>();

/** The Duration deadline (ms) a BatchAppend request carried, which the generated message cannot hold. */
export const durationDeadlineOf = (request: object): number | undefined => durationDeadlines.get(request);

/**
 * The generated Streams service definition, except that Read also accepts an already-encoded ReadResp
 * (a Buffer) for events, which skips google-protobuf on the hot read path, and BatchAppend requests keep
 * the newer Duration deadline (durationDeadlineOf). Everything else is the client's generated code.
 */
export const streamsServiceDefinition = (): ServiceDefinition<UntypedServiceImplementation> => {
  const read = StreamsService['read'];
  if (!read) throw new Error('StreamsService has no read method');
  const batchAppend = StreamsService['batchAppend'];
  if (!batchAppend) throw new Error('StreamsService has no batchAppend method');
  return {
    ...StreamsService,
    batchAppend: {
      ...batchAppend,
      requestDeserialize: (bytes: Buffer): unknown => {
        const request = batchAppend.requestDeserialize(bytes) as object;
        const ms = durationDeadlineMs(bytes);
        if (ms !== undefined) durationDeadlines.set(request, ms);
        return request;
      },
    },
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
