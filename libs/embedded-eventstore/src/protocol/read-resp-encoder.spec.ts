import { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { randomUUID } from 'node:crypto';
import type { StoredEvent } from '../storage/stored-event';
import { readEventResp } from './convert';
import { encodeReadEvent } from './read-resp-encoder';

const base: StoredEvent = {
  seq: 0,
  position: 16,
  streamName: 'product-ü-1',
  revision: 0,
  tombstone: false,
  id: randomUUID(),
  type: 'StockAdjusted',
  isJson: true,
  createdMs: 1_763_800_000_123,
  data: Buffer.from('{"a":1}'),
  metadata: new Uint8Array(0),
};

describe('encodeReadEvent', () => {
  it.each<[string, Partial<StoredEvent>]>([
    ['a first event', {}],
    ['large positions and revisions', { position: 2 ** 52 + 7, revision: 300_000 }],
    ['a tombstone', { tombstone: true, type: '$streamDeleted', data: new Uint8Array(0), isJson: false }],
    [
      'binary data and custom metadata',
      { isJson: false, data: Buffer.alloc(70_000, 3), metadata: Buffer.from('{"m":1}') },
    ],
  ])('decodes like the google-protobuf message for %s', (_name, overrides) => {
    const event = { ...base, ...overrides };
    const decoded = ReadResp.deserializeBinary(encodeReadEvent(event));
    expect(decoded.toObject()).toEqual(readEventResp(event).toObject());
  });
});
