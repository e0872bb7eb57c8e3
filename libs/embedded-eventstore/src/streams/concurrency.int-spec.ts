import { WrongExpectedVersionError, jsonEvent } from '@eventstore/db-client';
import type { AppendExpectedRevision, EventStoreDBClient } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { Harness } from '../testing/harness';
import { collect, startHarness, tempDir } from '../testing/harness';

describe('concurrent writers', () => {
  let h: Harness;
  let clients: EventStoreDBClient[];
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await tempDir();
    h = await startHarness({ dataDir });
    clients = Array.from({ length: 12 }, () => h.newClient());
  });
  afterAll(async () => {
    await h.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  // Half the clients use BatchAppend, half the unary Append (forced by per-call credentials).
  const appendAs = (i: number, stream: string, expectedRevision: AppendExpectedRevision, id: string) =>
    clients[i]!.appendToStream(stream, jsonEvent({ id, type: 'Claimed', data: { by: i } }), {
      expectedRevision,
      ...(i % 2 ? { credentials: { username: 'admin', password: 'changeit' } } : {}),
    });

  it('lets exactly one writer win each revision; losers see the winner’s revision', async () => {
    const stream = `seat-${randomUUID()}`;
    const winners: string[] = [];
    for (let round = 0; round < 25; round++) {
      const expected: AppendExpectedRevision = round === 0 ? 'no_stream' : BigInt(round - 1);
      const ids = clients.map(() => randomUUID());
      const results = await Promise.allSettled(clients.map((_, i) => appendAs(i, stream, expected, ids[i]!)));
      const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      expect(won).toHaveLength(1);
      winners.push(ids[won[0]!]!);
      for (const r of results) {
        if (r.status === 'fulfilled') expect(r.value.nextExpectedRevision).toBe(BigInt(round));
        else {
          expect(r.reason).toBeInstanceOf(WrongExpectedVersionError);
          expect((r.reason as WrongExpectedVersionError).actualVersion).toBe(BigInt(round));
        }
      }
    }
    const stored = await collect(h.client.readStream(stream));
    expect(stored.map((e) => e.event!.id)).toEqual(winners);
    expect(stored.map((e) => e.event!.revision)).toEqual(winners.map((_, i) => BigInt(i)));
  });

  it('loses and duplicates nothing when writers retry optimistic appends until they succeed', async () => {
    const stream = `counter-${randomUUID()}`;
    const perClient = 15;
    const acked: { id: string; revision: bigint }[] = [];
    await Promise.all(
      clients.map(async (_, i) => {
        let expected: AppendExpectedRevision = 'no_stream';
        for (let n = 0; n < perClient;) {
          const id = randomUUID();
          try {
            const result = await appendAs(i, stream, expected, id);
            acked.push({ id, revision: result.nextExpectedRevision });
            expected = result.nextExpectedRevision;
            n++;
          } catch (error) {
            if (!(error instanceof WrongExpectedVersionError)) throw error;
            expected = error.actualVersion;
          }
        }
      }),
    );
    const stored = await collect(h.client.readStream(stream));
    expect(stored).toHaveLength(clients.length * perClient);
    expect(stored.map((e) => e.event!.revision)).toEqual(stored.map((_, i) => BigInt(i)));
    const byRevision = new Map(stored.map((e) => [e.event!.revision, e.event!.id]));
    for (const ack of acked) expect(byRevision.get(ack.revision)).toBe(ack.id);
    expect(new Set(acked.map((a) => a.revision)).size).toBe(acked.length);
  });
});
