// A small projection for this lib's tests only; the shop's real projections live in the domain libs.
import { type ProjectionDefinition, type StoredEvent, upsertById } from '@shop/event-sourcing';

export type TallyEvent =
  | { type: 'TestItemAdded'; data: { tallyId: string; qty: number } }
  | { type: 'TestItemRemoved'; data: { tallyId: string; qty: number } }
  | { type: 'TestPoison'; data: { tallyId: string } };

/** Flip to "fix" the poison handler, as a deploy of a corrected handler would. */
export const poisonSwitch = { fixed: false };

export const tallyProjection = (version = 1, name = 'tallies'): ProjectionDefinition<TallyEvent> => ({
  name,
  version,
  eventTypes: ['TestItemAdded', 'TestItemRemoved', 'TestPoison'],
  collections: { [name]: { indexes: [{ key: { total: -1 }, name: 'by_total' }] } },
  handle: (stored: StoredEvent<TallyEvent>) => {
    const { event } = stored;
    switch (event.type) {
      case 'TestItemAdded':
      case 'TestItemRemoved': {
        const sign = event.type === 'TestItemAdded' ? 1 : -1;
        return [
          upsertById(name, event.data.tallyId, {
            $inc: { total: sign * event.data.qty, events: 1 },
            $set: { version, lastRevision: Number(stored.revision) },
          }),
        ];
      }
      case 'TestPoison':
        if (!poisonSwitch.fixed) throw new Error('handler cannot digest TestPoison');
        return [upsertById(name, event.data.tallyId, { $set: { cured: true } })];
    }
  },
});

/** What the tally documents must be after applying `events` exactly once each, in order. */
export function expectedTallies(
  events: readonly TallyEvent[],
  version = 1,
): Map<string, { total: number; events: number }> {
  const tallies = new Map<string, { total: number; events: number }>();
  for (const event of events) {
    if (event.type === 'TestPoison') continue;
    const current = tallies.get(event.data.tallyId) ?? { total: 0, events: 0 };
    const sign = event.type === 'TestItemAdded' ? 1 : -1;
    tallies.set(event.data.tallyId, {
      total: current.total + sign * event.data.qty,
      events: current.events + 1,
    });
  }
  void version;
  return tallies;
}
