import {
  MaxAppendSizeExceededError,
  StreamDeletedError,
  WrongExpectedVersionError,
  jsonEvent,
  binaryEvent,
} from '@eventstore/db-client';
import type { AppendExpectedRevision, AppendToStreamOptions } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import type { Harness } from '../testing/harness';
import { collect, startHarness } from '../testing/harness';

const event = (type = 'Happened', data: Record<string, unknown> = { n: 1 }, id?: string) =>
  jsonEvent({ type, data, ...(id ? { id } : {}) });

// The client uses BatchAppend when the server advertises it; per-call credentials force the unary Append
// (over an insecure channel the credentials themselves are dropped by the client).
const paths: [string, Partial<AppendToStreamOptions>][] = [
  ['BatchAppend', {}],
  ['Append', { credentials: { username: 'admin', password: 'changeit' } }],
];

describe.each(paths)('appendToStream via %s', (_path, extra) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.dispose());

  const append = (
    stream: string,
    events: ReturnType<typeof event>[],
    expectedRevision?: AppendExpectedRevision,
  ) =>
    h.client.appendToStream(stream, events, {
      ...extra,
      ...(expectedRevision !== undefined ? { expectedRevision } : {}),
    });
  const stream = () => `order-${randomUUID()}`;

  it('appends with no_stream, exact and any, with strictly increasing positions', async () => {
    const s = stream();
    const first = await append(s, [event(), event()], 'no_stream');
    expect(first.nextExpectedRevision).toBe(1n);
    const second = await append(s, [event()], 1n);
    expect(second.nextExpectedRevision).toBe(2n);
    const third = await append(s, [event()], 'any');
    const fourth = await append(s, [event()], 'stream_exists');
    expect(fourth.nextExpectedRevision).toBe(4n);
    const positions = [first, second, third, fourth].map((r) => r.position!.commit);
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
    expect(new Set(positions).size).toBe(4);
    for (const r of [first, second, third, fourth]) expect(r.position!.commit).toBe(r.position!.prepare);
    const read = await collect(h.client.readStream(s));
    expect(read.map((e) => e.event!.revision)).toEqual([0n, 1n, 2n, 3n, 4n]);
    // The append result's position is the position of the last event written.
    expect(read[1]!.event!.position!.commit).toBe(first.position!.commit);
  });

  it.each<[string, AppendExpectedRevision, bigint | 'no_stream']>([
    ['exact on a missing stream', 0n, 'no_stream'],
    ['stream_exists on a missing stream', 'stream_exists', 'no_stream'],
  ])('rejects %s with WrongExpectedVersion', async (_name, expected, current) => {
    const s = stream();
    const error = await append(s, [event()], expected).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ streamName: s, expectedVersion: expected, actualVersion: current });
  });

  it('reports expected and actual revisions on conflicts', async () => {
    const s = stream();
    await append(s, [event(), event(), event()], 'no_stream');
    await expect(append(s, [event()], 5n)).rejects.toMatchObject({ expectedVersion: 5n, actualVersion: 2n });
    await expect(append(s, [event()], 0n)).rejects.toMatchObject({ expectedVersion: 0n, actualVersion: 2n });
    await expect(append(s, [event()], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedVersionError);
  });

  it('is idempotent by event id for exact, no_stream and any', async () => {
    const s = stream();
    const a = event('A', {}, randomUUID());
    const b = event('B', {}, randomUUID());
    const original = await append(s, [a, b], 'no_stream');
    const replayNoStream = await append(s, [a, b], 'no_stream');
    expect(replayNoStream).toEqual(original);
    const replayAny = await append(s, [a, b], 'any');
    expect(replayAny).toEqual(original);
    const c = event('C', {}, randomUUID());
    const afterC = await append(s, [c], 1n);
    expect(await append(s, [c], 1n)).toEqual(afterC);
    expect(await append(s, [b], 0n)).toMatchObject({ nextExpectedRevision: 1n, position: original.position });
    expect((await collect(h.client.readStream(s))).map((e) => e.event!.type)).toEqual(['A', 'B', 'C']);
  });

  it('treats a partial id match as a conflict', async () => {
    const s = stream();
    const a = event('A', {}, randomUUID());
    const b = event('B', {}, randomUUID());
    await append(s, [a, b], 'no_stream');
    await expect(append(s, [a, event('X')], 'any')).rejects.toBeInstanceOf(WrongExpectedVersionError);
    await expect(append(s, [a, event('X')], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect(await collect(h.client.readStream(s))).toHaveLength(2);
  });

  it('rejects appends over 1 MiB with MaxAppendSizeExceeded and keeps serving', async () => {
    const s = stream();
    const big = binaryEvent({ type: 'Big', data: new Uint8Array(1024 * 1024 + 1) });
    const error = await h.client
      .appendToStream(s, big, { ...extra })
      .catch((e: unknown) => e as MaxAppendSizeExceededError);
    expect(error).toBeInstanceOf(MaxAppendSizeExceededError);
    expect((error as MaxAppendSizeExceededError).maxAppendSize).toBe(1024 * 1024);
    const ok = binaryEvent({ type: 'Fits', data: new Uint8Array(512 * 1024) });
    await expect(h.client.appendToStream(s, ok, { ...extra })).resolves.toMatchObject({ success: true });
  });

  it('rejects appends to a tombstoned stream with StreamDeleted', async () => {
    const s = stream();
    await append(s, [event()]);
    await h.client.tombstoneStream(s);
    for (const expected of ['any', 'no_stream', 'stream_exists', 0n] as AppendExpectedRevision[]) {
      const error = await append(s, [event()], expected).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StreamDeletedError);
      expect(error).toMatchObject({ streamName: s });
    }
  });

  it('rejects stream_exists on a soft-deleted stream with StreamDeleted', async () => {
    const s = stream();
    await append(s, [event()]);
    await h.client.deleteStream(s);
    await expect(append(s, [event()], 'stream_exists')).rejects.toBeInstanceOf(StreamDeletedError);
  });

  it('round-trips data, binary payloads and custom metadata', async () => {
    const s = stream();
    const id = randomUUID();
    await h.client.appendToStream(
      s,
      [
        jsonEvent({ id, type: 'Json', data: { nested: { ok: true } }, metadata: { correlationId: 'c-1' } }),
        binaryEvent({ type: 'Bin', data: Uint8Array.from([0, 1, 2, 255]) }),
      ],
      { ...extra },
    );
    const [json, bin] = await collect(h.client.readStream(s));
    expect(json!.event).toMatchObject({ id, type: 'Json', isJson: true, data: { nested: { ok: true } } });
    expect(json!.event!.metadata).toEqual({ correlationId: 'c-1' });
    expect(Math.abs(json!.event!.created.getTime() - Date.now())).toBeLessThan(60_000);
    expect(bin!.event!.isJson).toBe(false);
    expect(Array.from(bin!.event!.data as Uint8Array)).toEqual([0, 1, 2, 255]);
  });
});
