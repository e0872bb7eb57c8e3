// A small projection for this lib's tests only; the shop's real projections live in the domain libs.
import {
  type DomainEvent,
  type ProjectionDefinition,
  type StoredEvent,
  upsertById,
} from '@shop/event-sourcing';

export type TallyEvent = DomainEvent<string, { tallyId: string; qty?: number }>;

/** Flip to "fix" the poison handler, as a deploy of a corrected handler would. */
export const poisonSwitch = { fixed: false };

/**
 * A tally projection whose event types are its own (`<name>.Added` ...), so tests sharing one event store
 * never see each other's events.
 */
export function tallyKit(name: string, version = 1) {
  const types = { added: `${name}.Added`, removed: `${name}.Removed`, poison: `${name}.Poison` };
  const projection: ProjectionDefinition<TallyEvent> = {
    name,
    version,
    eventTypes: [types.added, types.removed, types.poison],
    collections: { [name]: { indexes: [{ key: { total: -1 }, name: 'by_total' }] } },
    handle: (stored: StoredEvent<TallyEvent>) => {
      const { event } = stored;
      if (event.type === types.poison) {
        if (!poisonSwitch.fixed) throw new Error('handler cannot digest poison');
        return [upsertById(name, event.data.tallyId, { $set: { cured: true } })];
      }
      const sign = event.type === types.added ? 1 : -1;
      return [
        upsertById(name, event.data.tallyId, {
          $inc: { total: sign * (event.data.qty ?? 0), events: 1 },
          $set: { version, lastRevision: Number(stored.revision) },
        }),
      ];
    },
  };
  const expected = (events: readonly TallyEvent[]): Map<string, { total: number; events: number }> => {
    const tallies = new Map<string, { total: number; events: number }>();
    for (const event of events) {
      if (event.type === types.poison) continue;
      const current = tallies.get(event.data.tallyId) ?? { total: 0, events: 0 };
      const sign = event.type === types.added ? 1 : -1;
      tallies.set(event.data.tallyId, {
        total: current.total + sign * (event.data.qty ?? 0),
        events: current.events + 1,
      });
    }
    return tallies;
  };
  return {
    name,
    projection,
    added: (tallyId: string, qty: number): TallyEvent => ({ type: types.added, data: { tallyId, qty } }),
    removed: (tallyId: string, qty: number): TallyEvent => ({ type: types.removed, data: { tallyId, qty } }),
    poison: (tallyId: string): TallyEvent => ({ type: types.poison, data: { tallyId } }),
    expected,
  };
}
