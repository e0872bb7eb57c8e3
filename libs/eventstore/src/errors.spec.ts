import {
  CancelledError,
  DeadlineExceededError,
  NotLeaderError,
  StreamDeletedError as ClientStreamDeletedError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { Metadata, status } from '@grpc/grpc-js';
import { EventStoreUnavailableError, StreamDeletedError, toEventStoreError } from '@shop/eventstore';

const notLeader = (): NotLeaderError => {
  const metadata = new Metadata();
  metadata.set('leader-endpoint-host', '10.0.0.2');
  metadata.set('leader-endpoint-port', '2113');
  const raw = Object.assign(new Error('not leader'), { code: status.NOT_FOUND, details: '', metadata });
  return new NotLeaderError(raw);
};

describe('toEventStoreError', () => {
  it('maps a deleted stream to StreamDeletedError (not_found)', () => {
    const mapped = toEventStoreError(ClientStreamDeletedError.fromStreamName('order-1'), 'order-1');
    expect(mapped).toBeInstanceOf(StreamDeletedError);
    expect(mapped).toMatchObject({ code: 'stream_deleted', category: 'not_found', streamName: 'order-1' });
  });

  it.each([
    ['unavailable', new UnavailableError(undefined, 'down'), 'eventstore_unavailable'],
    ['not leader', notLeader(), 'eventstore_not_leader'],
    ['deadline exceeded', new DeadlineExceededError(undefined, 'slow'), 'eventstore_deadline_exceeded'],
    ['timeout', new TimeoutError(undefined, 'slow'), 'eventstore_deadline_exceeded'],
    ['cancelled by a stopping server', new CancelledError(undefined, 'gone'), 'eventstore_unavailable'],
  ])('maps %s to a transient EventStoreUnavailableError', (_name, error, code) => {
    const mapped = toEventStoreError(error, 's-1');
    expect(mapped).toBeInstanceOf(EventStoreUnavailableError);
    expect(mapped).toMatchObject({ code, category: 'unavailable', cause: error });
  });

  it.each([
    [status.UNAVAILABLE, 'eventstore_unavailable'],
    [status.DEADLINE_EXCEEDED, 'eventstore_deadline_exceeded'],
  ])('maps a raw gRPC status %i the client passed through unconverted', (code, mapped) => {
    const raw = Object.assign(new Error(`${code} down`), { code, details: 'down', metadata: new Metadata() });
    expect(toEventStoreError(raw, 's-1')).toMatchObject({
      code: mapped,
      category: 'unavailable',
      cause: raw,
    });
    const invalid = Object.assign(new Error('bad'), {
      code: status.INVALID_ARGUMENT,
      details: 'bad',
      metadata: new Metadata(),
    });
    expect(toEventStoreError(invalid, 's-1')).toBe(invalid);
  });

  it('leaves everything else alone (concurrency is handled by the store, bugs stay bugs)', () => {
    const wrongVersion = new WrongExpectedVersionError(undefined, {
      streamName: 's-1',
      expected: 1n,
      current: 2n,
    });
    expect(toEventStoreError(wrongVersion, 's-1')).toBe(wrongVersion);
    const bug = new TypeError('x is undefined');
    expect(toEventStoreError(bug, 's-1')).toBe(bug);
    expect(toEventStoreError('weird', 's-1')).toBe('weird');
  });
});
