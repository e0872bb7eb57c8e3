import {
  AppendConsistencyViolationError,
  type ConsistencyCheck,
  STREAM_STATE,
  TransactionMaxSizeExceededError,
  jsonEvent as kurrentJsonEvent,
} from '@kurrent/kurrentdb-client';
import { START, jsonEvent } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import { collect } from '../testing/harness';
import type { KurrentHarness } from '../testing/kurrent-harness';
import { startKurrentHarness } from '../testing/kurrent-harness';

const check = (
  streamName: string,
  expectedState: 'any' | 'no_stream' | 'stream_exists' | bigint,
): ConsistencyCheck => ({
  type: STREAM_STATE,
  streamName,
  expectedState,
});

describe('AppendRecords (newer protocol, @kurrent/kurrentdb-client appendRecords)', () => {
  let h: KurrentHarness;
  beforeAll(async () => {
    h = await startKurrentHarness();
  });
  afterAll(() => h.dispose());

  const types = async (stream: string) =>
    (await collect(h.client.readStream(stream)).catch(() => [])).map((e) => e.event!.type);

  it('writes records interleaved across streams in request order, after a check on a stream it does not write', async () => {
    const order = `order-${randomUUID()}`;
    const product = `product-${randomUUID()}`;
    const customer = `customer-${randomUUID()}`;
    await h.client.appendToStream(customer, jsonEvent({ type: 'Registered', data: {} }));
    await h.client.appendToStream(product, jsonEvent({ type: 'Listed', data: {} }));
    const result = await h.kurrent.appendRecords(
      [
        { streamName: order, record: kurrentJsonEvent({ type: 'Placed', data: { n: 1 } }) },
        {
          streamName: product,
          record: kurrentJsonEvent({ type: 'Reserved', data: { n: 2 }, metadata: { 'user-id': 'u-7' } }),
        },
        { streamName: order, record: kurrentJsonEvent({ type: 'Priced', data: { n: 3 } }) },
      ],
      [check(order, 'no_stream'), check(product, 0n), check(customer, 'stream_exists')],
    );
    expect([...result.responses].sort((a, b) => a.streamName.localeCompare(b.streamName))).toEqual(
      [
        { streamName: order, revision: 1n },
        { streamName: product, revision: 1n },
      ].sort((a, b) => a.streamName.localeCompare(b.streamName)),
    );
    expect(await types(order)).toEqual(['Placed', 'Priced']);
    const [, reserved] = await collect(h.client.readStream(product));
    expect(reserved!.event).toMatchObject({
      type: 'Reserved',
      data: { n: 2 },
      metadata: { 'user-id': 'u-7' },
    });
    expect(await types(customer)).toEqual(['Registered']);
    // The log keeps the request's order across streams, and the answer names the last record's position.
    const written = (await collect(h.client.readAll({ fromPosition: START })))
      .map((e) => e.event!)
      .filter((e) => e.streamId === order || e.streamId === product);
    expect(written.map((e) => e.type)).toEqual(['Listed', 'Placed', 'Reserved', 'Priced']);
    expect(result.position).toBe(written[3]!.position?.commit);
  });

  it('writes nothing when any check fails, and reports every failing check', async () => {
    const order = `order-${randomUUID()}`;
    const product = `product-${randomUUID()}`;
    const other = `other-${randomUUID()}`;
    await h.client.appendToStream(product, [
      jsonEvent({ type: 'A', data: {} }),
      jsonEvent({ type: 'B', data: {} }),
    ]);
    const error = await h.kurrent
      .appendRecords(
        [
          { streamName: order, record: kurrentJsonEvent({ type: 'Placed', data: {} }) },
          { streamName: product, record: kurrentJsonEvent({ type: 'Reserved', data: {} }) },
        ],
        [check(order, 'no_stream'), check(product, 0n), check(other, 'stream_exists')],
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppendConsistencyViolationError);
    expect((error as AppendConsistencyViolationError).violations).toEqual([
      { checkIndex: 1, streamName: product, expectedState: 0n, actualState: 1n },
      { checkIndex: 2, streamName: other, expectedState: 'stream_exists', actualState: 'no_stream' },
    ]);
    expect(await types(order)).toEqual([]);
    expect(await types(product)).toEqual(['A', 'B']);
  });

  it('checks soft-deleted and tombstoned streams with writability semantics', async () => {
    const deleted = `deleted-${randomUUID()}`;
    const gone = `gone-${randomUUID()}`;
    await h.client.appendToStream(deleted, jsonEvent({ type: 'Old', data: {} }));
    await h.client.deleteStream(deleted);
    await h.client.appendToStream(gone, jsonEvent({ type: 'Old', data: {} }));
    await h.client.tombstoneStream(gone);
    // A soft-deleted stream is writable: no_stream passes and the append restores it.
    await h.kurrent.appendRecords(
      [{ streamName: deleted, record: kurrentJsonEvent({ type: 'New', data: {} }) }],
      [check(deleted, 'no_stream')],
    );
    expect(await types(deleted)).toEqual(['New']);
    // A tombstoned stream never is, even unchecked (`any`): reported as -6.
    const error = await h.kurrent
      .appendRecords([{ streamName: gone, record: kurrentJsonEvent({ type: 'New', data: {} }) }])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppendConsistencyViolationError);
    expect((error as AppendConsistencyViolationError).violations).toEqual([
      { checkIndex: 0, streamName: gone, expectedState: 'any', actualState: -6n },
    ]);
  });

  it('refuses a request without records, or with a stream checked twice', async () => {
    await expect(h.kurrent.appendRecords([], [check(`x-${randomUUID()}`, 'any')])).rejects.toThrow(
      /at least one record/,
    );
    const s = `twice-${randomUUID()}`;
    await expect(
      h.kurrent.appendRecords(
        [{ streamName: s, record: kurrentJsonEvent({ type: 'A', data: {} }) }],
        [check(s, 'any'), check(s, 'no_stream')],
      ),
    ).rejects.toThrow(/only appear once/);
    expect(await types(s)).toEqual([]);
  });

  it('generates a missing record id, and refuses an expected state that is no revision or constant', async () => {
    const s = `noid-${randomUUID()}`;
    await h.kurrent.appendRecords([
      { streamName: s, record: { ...kurrentJsonEvent({ type: 'A', data: {} }), id: '' } },
    ]);
    const [written] = await collect(h.client.readStream(s));
    expect(written!.event!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    await expect(
      h.kurrent.appendRecords(
        [{ streamName: s, record: kurrentJsonEvent({ type: 'B', data: {} }) }],
        [check(s, -3n)],
      ),
    ).rejects.toThrow(/Invalid expected state -3/);
    expect(await types(s)).toEqual(['A']);
  });

  it('refuses a request over maxAppendSize (data bytes of all records) with its size, writing nothing', async () => {
    const big = `big-${randomUUID()}`;
    const small = `small-${randomUUID()}`;
    const error = await h.kurrent
      .appendRecords([
        { streamName: small, record: kurrentJsonEvent({ type: 'A', data: {} }) },
        { streamName: big, record: kurrentJsonEvent({ type: 'B', data: { s: 'x'.repeat(1024 * 1024) } }) },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionMaxSizeExceededError);
    const { size, maxSize } = error as TransactionMaxSizeExceededError;
    expect(maxSize).toBe(1024 * 1024);
    expect(size).toBe(2 + JSON.stringify({ s: 'x'.repeat(1024 * 1024) }).length);
    expect(await types(small)).toEqual([]);
    expect(await types(big)).toEqual([]);
  });
});
