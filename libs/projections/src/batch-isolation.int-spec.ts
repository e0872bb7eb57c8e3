import { type ProjectionDefinition, type StoredEvent, upsertById } from '@shop/event-sourcing';
import { randomUUID } from 'node:crypto';
import { type Harness, startHarness } from './testing/harness';
import { type TallyEvent } from './testing/tally-projection';

/** Counters with a unique code: registering a second counter under a taken code is rejected by the database. */
const NAME = 'coded_counters';
const projection: ProjectionDefinition<TallyEvent> = {
  name: NAME,
  version: 1,
  eventTypes: [`${NAME}.Registered`, `${NAME}.Counted`],
  collections: { [NAME]: { indexes: [{ key: { code: 1 }, name: 'code_unique', unique: true }] } },
  handle: ({ event }: StoredEvent<TallyEvent>) =>
    event.type === `${NAME}.Registered`
      ? [upsertById(NAME, event.data.tallyId, { $set: { code: event.data.qty }, $setOnInsert: { count: 0 } })]
      : [upsertById(NAME, event.data.tallyId, { $inc: { count: event.data.qty ?? 0 } })],
};
const registered = (tallyId: string, code: number): TallyEvent => ({
  type: `${NAME}.Registered`,
  data: { tallyId, qty: code },
});
const counted = (tallyId: string, by: number): TallyEvent => ({
  type: `${NAME}.Counted`,
  data: { tallyId, qty: by },
});

describe('a write the database rejects, inside a big catch-up batch', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  it('parks that event alone and applies every other one', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await h.append(`counter-${a}`, [registered(a, 1), ...Array.from({ length: 150 }, () => counted(a, 1))]);
    await h.append(`counter-${b}`, [registered(b, 1)]); // code 1 is taken: rejected
    await h.append(`counter-${c}`, [registered(c, 2), ...Array.from({ length: 150 }, () => counted(c, 2))]);
    const last = await h.append(
      `counter-${a}`,
      Array.from({ length: 100 }, () => counted(a, 1)),
    );

    // Appended before the projection starts: it catches up in batches far bigger than one event.
    const manager = await h.manager([projection], { maxAttempts: 1, batchSize: 1_000 });
    // A generous deadline: CI machines run this beside other suites on two cores.
    expect(await manager.waitFor(NAME, last, 45_000)).toBe(true);

    const docs = await h.db.collection(NAME).find({}).sort({ code: 1 }).toArray();
    expect(docs).toEqual([
      { _id: a, code: 1, count: 250 },
      { _id: c, code: 2, count: 300 },
    ]);
    const parked = await manager.parked.list(NAME);
    expect(parked.map((p) => [p.event.streamName, p.event.event.type])).toEqual([
      [`counter-${b}`, `${NAME}.Registered`],
    ]);
    expect((await manager.status())[0]?.processed).toBe(403);
    await manager.onApplicationShutdown();
  });
});
