import { type ProjectionDefinition, type StoredEvent, upsertById } from '@shop/event-sourcing';
import { randomUUID } from 'node:crypto';
import { type CommittedChange, type ObservedStatus, type ProjectionObserver } from './change-feed';
import { formatPosition } from './position';
import { eventually, type Harness, startHarness } from './testing/harness';
import { poisonSwitch, type TallyEvent, tallyKit } from './testing/tally-projection';

/** Records what was announced and, at that moment, what the view held (a subscriber's follow-up read). */
class RecordingObserver implements ProjectionObserver {
  readonly changes: (CommittedChange & { seen?: number })[] = [];
  readonly statuses: ObservedStatus[] = [];
  private reads: Promise<unknown>[] = [];

  constructor(private readonly read?: (id: string) => Promise<number | undefined>) {}

  committed(changes: readonly CommittedChange[]): void {
    for (const change of changes) {
      const recorded: CommittedChange & { seen?: number } = { ...change };
      this.changes.push(recorded);
      if (this.read) this.reads.push(this.read(change.id).then((total) => (recorded.seen = total)));
    }
  }

  status(status: ObservedStatus): void {
    this.statuses.push(status);
  }

  settled(): Promise<unknown> {
    return Promise.all(this.reads);
  }
}

/** A tally projection that announces its changes; `Added` names the owner, `Removed` leaves it to the view. */
const announcing = (name: string) => {
  const kit = tallyKit(name);
  const handle = (stored: StoredEvent<TallyEvent>) => {
    const writes = kit.projection.handle(stored);
    return stored.event.type === `${name}.Added`
      ? [
          ...writes,
          upsertById(name, stored.event.data.tallyId, {
            $set: { owner: `owner-${stored.event.data.tallyId}` },
          }),
        ]
      : writes;
  };
  const projection: ProjectionDefinition<TallyEvent> = {
    ...kit.projection,
    handle,
    changes: ({ event }) =>
      event.type === `${name}.Added`
        ? [{ topic: 'tally', id: event.data.tallyId, ownerId: `owner-${event.data.tallyId}` }]
        : [{ topic: 'tally', id: event.data.tallyId }],
    owners: { topic: 'tally', collection: name, field: 'owner' },
  };
  return { ...kit, projection };
};

describe('change feed: what live views committed, announced after the commit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  const total = (collection: string) => async (id: string) =>
    (await h.db.collection<{ _id: string; total: number }>(collection).findOne({ _id: id }))?.total;

  it('announces each applied event in log order, once the view holds it, with its position', async () => {
    const { projection, added, removed } = announcing('feed_order');
    const observer = new RecordingObserver(total(projection.name));
    const manager = await h.manager([projection], {}, observer);
    const id = randomUUID();
    await h.append(`tally-${id}`, [added(id, 5)]);
    await h.append(`tally-${id}`, [added(id, 2)]);
    const last = await h.append(`tally-${id}`, [removed(id, 1)]);
    await eventually(() => Promise.resolve(observer.changes.length === 3));
    await observer.settled();
    const positions = observer.changes.map((c) => c.position);
    expect(formatPosition(positions[2]!)).toBe(formatPosition(last));
    expect(
      observer.changes.map((c) => ({ type: c.eventType, owner: c.ownerId, revision: c.revision })),
    ).toEqual([
      { type: 'feed_order.Added', owner: `owner-${id}`, revision: 0n },
      { type: 'feed_order.Added', owner: `owner-${id}`, revision: 1n },
      { type: 'feed_order.Removed', owner: `owner-${id}`, revision: 2n },
    ]);
    // A read started when the change was announced never sees less than that change.
    const seen = observer.changes.map((c) => c.seen!);
    expect(seen[0]).toBeGreaterThanOrEqual(5);
    expect(seen[2]).toBe(6);
    expect(
      observer.changes.every((c) => c.projection === projection.name && c.streamName === `tally-${id}`),
    ).toBe(true);
    expect(observer.statuses.some((s) => s.name === projection.name && s.state === 'live')).toBe(true);
    await manager.onApplicationShutdown();
  });

  it('reads the owner from the view when the event does not name it (nothing remembered after a restart)', async () => {
    const { projection, added, removed } = announcing('feed_owner');
    const id = randomUUID();
    const first = await h.manager([projection], {}, new RecordingObserver());
    const placed = await h.append(`tally-${id}`, [added(id, 3)]);
    expect(await first.waitFor(projection.name, placed, 10_000)).toBe(true);
    await first.onApplicationShutdown();

    const observer = new RecordingObserver();
    const second = await h.manager([projection], {}, observer);
    await h.append(`tally-${id}`, [removed(id, 1)]);
    const unknown = randomUUID(); // no document: no owner to find
    await h.append(`tally-${unknown}`, [removed(unknown, 1)]);
    await eventually(() => Promise.resolve(observer.changes.length === 2));
    expect(observer.changes.map((c) => [c.id, c.ownerId])).toEqual([
      [id, `owner-${id}`],
      [unknown, undefined],
    ]);
    await second.onApplicationShutdown();
  });

  it('does not announce parked events', async () => {
    poisonSwitch.fixed = false;
    const { projection, added, poison } = announcing('feed_poison');
    const observer = new RecordingObserver();
    const manager = await h.manager([projection], { maxAttempts: 1 }, observer);
    const id = randomUUID();
    await h.append(`tally-${id}`, [poison(id)]);
    const after = await h.append(`tally-${id}`, [added(id, 1)]);
    expect(await manager.waitFor(projection.name, after, 10_000)).toBe(true);
    await eventually(() => Promise.resolve(observer.changes.length >= 1));
    expect(observer.changes.map((c) => c.eventType)).toEqual(['feed_poison.Added']);
    expect(await manager.parked.count(projection.name)).toBe(1);
    // Replayed after a fix: announced once its transaction committed.
    poisonSwitch.fixed = true;
    const [parked] = await manager.parked.list(projection.name);
    expect(await manager.replayParked(projection.name, parked!.event.metadata.eventId)).toBe(true);
    await eventually(() => Promise.resolve(observer.changes.length === 2));
    expect(observer.changes[1]).toMatchObject({
      eventType: 'feed_poison.Poison',
      id,
      ownerId: `owner-${id}`,
    });
    await manager.onApplicationShutdown();
  });
});
