import { END, START, eventTypeFilter, jsonEvent, streamNameFilter } from '@eventstore/db-client';
import type {
  Position,
  ResolvedEvent,
  StreamSubscription,
  AllStreamSubscription,
} from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import type { Harness } from '../testing/harness';
import { startHarness, waitFor } from '../testing/harness';

type Sub = StreamSubscription | AllStreamSubscription;

/** Records everything a subscription emits, in order, including confirmation and caught-up markers. */
const record = (sub: Sub) => {
  const log: string[] = [];
  const events: ResolvedEvent[] = [];
  sub.on('confirmation', () => log.push('confirmation'));
  sub.on('caughtUp', () => log.push('caughtUp'));
  sub.on('data', (e: ResolvedEvent) => {
    events.push(e);
    log.push(`event:${e.event!.type}`);
  });
  return { log, events };
};

describe('catch-up subscriptions', () => {
  let h: Harness;
  const subs: Sub[] = [];
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await Promise.all(subs.map((sub) => sub.unsubscribe()));
    await h.dispose();
  });
  const track = <T extends Sub>(sub: T): T => {
    subs.push(sub);
    return sub;
  };
  const events = (...types: string[]) => types.map((type) => jsonEvent({ type, data: {} }));

  it('to a stream: confirmation, history, caughtUp, then live events', async () => {
    const s = `cart-${randomUUID()}`;
    await h.client.appendToStream(s, events('A', 'B'));
    const { log } = record(track(h.client.subscribeToStream(s, { fromRevision: START })));
    await waitFor(() => log.includes('caughtUp'));
    await h.client.appendToStream(s, events('C'));
    await waitFor(() => log.length === 5);
    expect(log).toEqual(['confirmation', 'event:A', 'event:B', 'caughtUp', 'event:C']);
  });

  it('to a stream from revision N delivers N+1 onwards; from END only new events', async () => {
    const s = `cart-${randomUUID()}`;
    await h.client.appendToStream(s, events('A', 'B', 'C'));
    const fromRev = record(track(h.client.subscribeToStream(s, { fromRevision: 0n })));
    const fromEnd = record(track(h.client.subscribeToStream(s, { fromRevision: END })));
    await waitFor(() => fromEnd.log.includes('caughtUp') && fromRev.log.includes('caughtUp'));
    await h.client.appendToStream(s, events('D'));
    await waitFor(() => fromRev.events.length === 3 && fromEnd.events.length === 1);
    expect(fromRev.events.map((e) => e.event!.type)).toEqual(['B', 'C', 'D']);
    expect(fromEnd.log).toEqual(['confirmation', 'caughtUp', 'event:D']);
  });

  it('to a stream that does not exist yet: caughtUp, then its first events', async () => {
    const s = `cart-${randomUUID()}`;
    const { log } = record(track(h.client.subscribeToStream(s)));
    await waitFor(() => log.includes('caughtUp'));
    await h.client.appendToStream(s, events('First'));
    await waitFor(() => log.length === 3);
    expect(log).toEqual(['confirmation', 'caughtUp', 'event:First']);
  });

  it('to $all from a position delivers strictly after it, in log order', async () => {
    const s = `cart-${randomUUID()}`;
    const first = await h.client.appendToStream(s, events('P1'));
    await h.client.appendToStream(s, events('P2', 'P3'));
    const { events: got } = record(track(h.client.subscribeToAll({ fromPosition: first.position! })));
    await h.client.appendToStream(s, events('P4'));
    await waitFor(() => got.some((e) => e.event!.type === 'P4'));
    expect(got.map((e) => e.event!.type).filter((t) => t.startsWith('P'))).toEqual(['P2', 'P3', 'P4']);
  });

  it('to $all with a filter sends matching events, checkpoints and caughtUp', async () => {
    const prefix = `filtered${randomUUID().slice(0, 8)}-`;
    for (let i = 0; i < 5; i++) await h.client.appendToStream(`${prefix}${i}`, events('Match'));
    for (let i = 0; i < 40; i++) await h.client.appendToStream(`noise-${randomUUID()}`, events('Noise'));
    const checkpoints: Position[] = [];
    const sub = track(
      h.client.subscribeToAll({
        fromPosition: START,
        filter: streamNameFilter({
          prefixes: [prefix],
          maxSearchWindow: 4,
          checkpointInterval: 2,
          checkpointReached: (_s, position) => {
            checkpoints.push(position);
          },
        }),
      }),
    );
    const { log, events: got } = record(sub);
    await waitFor(() => log.includes('caughtUp'));
    await h.client.appendToStream(`${prefix}live`, events('Match'));
    await waitFor(() => got.length === 6);
    expect(got.every((e) => e.event!.streamId.startsWith(prefix))).toBe(true);
    expect(checkpoints.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < checkpoints.length; i++)
      expect(checkpoints[i]!.commit >= checkpoints[i - 1]!.commit).toBe(true);
  });

  it('to $all with an event type regex filter', async () => {
    const type = `Rare${randomUUID().slice(0, 8)}`;
    const sub = track(h.client.subscribeToAll({ filter: eventTypeFilter({ regex: `^${type}$` }) }));
    const { events: got } = record(sub);
    await h.client.appendToStream(`x-${randomUUID()}`, events('Common', type, 'Common'));
    await waitFor(() => got.length === 1);
    expect(got[0]!.event!.type).toBe(type);
  });

  it('unsubscribing releases the subscription and the server keeps serving', async () => {
    const s = `cart-${randomUUID()}`;
    const sub = h.client.subscribeToStream(s);
    const { log } = record(sub);
    await waitFor(() => log.includes('caughtUp'));
    await sub.unsubscribe();
    await expect(h.client.appendToStream(s, events('After'))).resolves.toMatchObject({ success: true });
  });
});
