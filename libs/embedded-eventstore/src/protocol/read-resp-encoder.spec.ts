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

  const link: StoredEvent = {
    ...base,
    position: 4096,
    streamName: '$ce-product',
    revision: 3,
    type: '$>',
    isJson: false,
    data: Buffer.from('0@product-ü-1'),
    metadata: Buffer.from('{"$v":"1:-1:1:4"}'),
  };

  it("encodes a resolved link: event, link, and the link's position as the read position", () => {
    const decoded = ReadResp.deserializeBinary(encodeReadEvent(base, link));
    expect(decoded.toObject()).toEqual(readEventResp(base, link).toObject());
    expect(decoded.getEvent()!.getCommitPosition()).toBe('4096');
    expect(decoded.getEvent()!.getEvent()!.getCommitPosition()).toBe('16');
  });

  it('encodes a link whose target is gone as the link alone', () => {
    const decoded = ReadResp.deserializeBinary(encodeReadEvent(undefined, link));
    expect(decoded.getEvent()!.hasEvent()).toBe(false);
    expect(decoded.toObject()).toEqual(readEventResp(undefined, link).toObject());
  });
});
