import { WrongExpectedVersionError, jsonEvent as kurrentJsonEvent } from '@kurrent/kurrentdb-client';
import { jsonEvent } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import { collect } from '../testing/harness';
import type { KurrentHarness } from '../testing/kurrent-harness';
import { startKurrentHarness } from '../testing/kurrent-harness';

describe('multi-stream atomic append (newer protocol, @kurrent/kurrentdb-client)', () => {
  let h: KurrentHarness;
  beforeAll(async () => {
    h = await startKurrentHarness();
  });
  afterAll(() => h.dispose());

  const count = async (stream: string) => (await collect(h.client.readStream(stream)).catch(() => [])).length;

  it('appends to several streams in one transaction, read back through the old client', async () => {
    const order = `order-${randomUUID()}`;
    const reservation = `reservation-${randomUUID()}`;
    const result = await h.kurrent.multiStreamAppend([
      {
        streamName: order,
        expectedState: 'no_stream',
        events: [kurrentJsonEvent({ type: 'OrderPlaced', data: { a: 1 } })],
      },
      {
        streamName: reservation,
        expectedState: 'any',
        events: [
          kurrentJsonEvent({ type: 'StockReserved', data: { b: 2 }, metadata: { correlationId: 'c-1' } }),
          kurrentJsonEvent({ type: 'StockReserved', data: { b: 3 } }),
        ],
      },
    ]);
    expect(result.responses).toEqual([
      { streamName: order, revision: 0n },
      { streamName: reservation, revision: 1n },
    ]);
    const [placed] = await collect(h.client.readStream(order));
    expect(placed!.event).toMatchObject({ type: 'OrderPlaced', data: { a: 1 } });
    const reserved = await collect(h.client.readStream(reservation));
    expect(reserved[0]!.event!.metadata).toEqual({ correlationId: 'c-1' });
    expect(result.position).toBe(reserved[1]!.event!.position!.commit);
  });

  it('writes nothing when the expected revision of any stream does not hold', async () => {
    const order = `order-${randomUUID()}`;
    const reservation = `reservation-${randomUUID()}`;
    await h.client.appendToStream(reservation, jsonEvent({ type: 'Existing', data: {} }));
    const error = await h.kurrent
      .multiStreamAppend([
        {
          streamName: order,
          expectedState: 'no_stream',
          events: [kurrentJsonEvent({ type: 'OrderPlaced', data: {} })],
        },
        {
          streamName: reservation,
          expectedState: 'no_stream',
          events: [kurrentJsonEvent({ type: 'StockReserved', data: {} })],
        },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ streamName: reservation, expectedState: 'no_stream', actualState: 0n });
    expect(await count(order)).toBe(0);
    expect(await count(reservation)).toBe(1);
  });
});
