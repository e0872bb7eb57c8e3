import { DeadlineExceededError, UnavailableError, WrongExpectedVersionError } from '@eventstore/db-client';
import { Metadata, status } from '@grpc/grpc-js';
import {
  MongoClient,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoServerError,
  MongoServerSelectionError,
} from 'mongodb';
import { unavailableDependency } from './dependency-errors';
import { toProblem } from './problem-mapping';

const grpc = (code: number) =>
  Object.assign(new Error(`${code} x`), { code, details: 'x', metadata: new Metadata() });

/** A real one: the driver's constructor wants its internal topology description. */
async function serverSelectionError(): Promise<MongoServerSelectionError> {
  const client = new MongoClient('mongodb://127.0.0.1:1', { serverSelectionTimeoutMS: 50 });
  try {
    await client.connect();
  } catch (error) {
    return error as MongoServerSelectionError;
  } finally {
    await client.close();
  }
  throw new Error('connected to port 1');
}

describe('unavailableDependency', () => {
  it('MongoDB: server selection', async () => {
    const error = await serverSelectionError();
    expect(error).toBeInstanceOf(MongoServerSelectionError);
    expect(unavailableDependency(error)).toBe('mongodb');
  });

  it.each([
    ['network', new MongoNetworkError('socket closed')],
    ['network timeout', new MongoNetworkTimeoutError('timed out')],
    ['shutdown in progress', new MongoServerError({ message: 'shutting down', code: 91 })],
    ['not primary', new MongoServerError({ message: 'not primary', code: 10107 })],
    ['wait queue timeout', Object.assign(new Error('pool busy'), { name: 'MongoWaitQueueTimeoutError' })],
  ])('MongoDB: %s', (_name, error) => {
    expect(unavailableDependency(error)).toBe('mongodb');
  });

  it.each([
    ['UnavailableError', new UnavailableError(undefined, 'down')],
    ['DeadlineExceededError', new DeadlineExceededError(undefined, 'slow')],
    ['raw gRPC 14', grpc(status.UNAVAILABLE)],
    ['raw gRPC 4', grpc(status.DEADLINE_EXCEEDED)],
  ])('EventStoreDB: %s', (_name, error) => {
    expect(unavailableDependency(error)).toBe('eventstore');
  });

  it('looks through causes', () => {
    const wrapped = new Error('query failed', { cause: new MongoNetworkError('reset') });
    expect(unavailableDependency(wrapped)).toBe('mongodb');
  });

  it.each([
    ['a duplicate key', new MongoServerError({ message: 'E11000', code: 11000 })],
    [
      'a wrong expected version',
      new WrongExpectedVersionError(undefined, { streamName: 's', expected: 1n, current: 2n }),
    ],
    ['an invalid argument', grpc(status.INVALID_ARGUMENT)],
    ['a bug', new TypeError('x is undefined')],
    ['not an error', 'down'],
  ])('not %s', (_name, error) => {
    expect(unavailableDependency(error)).toBeUndefined();
  });
});

describe('toProblem for an unreachable dependency', () => {
  it('503 naming the dependency, with Retry-After, never the client message', () => {
    const { problem, headers, unexpected } = toProblem(
      new MongoNetworkError('connect ECONNREFUSED 10.0.0.1:27017'),
    );
    expect(problem).toMatchObject({ status: 503, code: 'mongodb_unavailable' });
    expect(JSON.stringify(problem)).not.toContain('10.0.0.1');
    expect(headers['retry-after']).toBe('2');
    expect(unexpected).toBe(false);
  });

  it('every 503 says when to retry', () => {
    expect(toProblem(grpc(status.UNAVAILABLE)).headers['retry-after']).toBe('2');
  });
});
