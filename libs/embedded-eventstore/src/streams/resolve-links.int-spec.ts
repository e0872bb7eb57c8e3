import {
  BACKWARDS,
  END,
  START,
  binaryEvent,
  jsonEvent,
  persistentSubscriptionToStreamSettingsFromDefaults,
  streamNameFilter,
} from '@eventstore/db-client';
import type { PersistentSubscriptionToStreamResolvedEvent, ResolvedEvent } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import type { Harness } from '../testing/harness';
import { collect, startHarness, waitFor } from '../testing/harness';

const link = (revision: number, stream: string) =>
  binaryEvent({ type: '$>', data: Buffer.from(`${revision}@${stream}`) });
const summary = (e: ResolvedEvent) => ({
  event: e.event ? `${e.event.revision}@${e.event.streamId}` : null,
  link: e.link ? `${e.link.revision}@${e.link.streamId}` : null,
});

describe('resolveLinkTos', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.dispose());
  const id = () => randomUUID().replace(/-/g, '');

  it('resolves links on stream reads (both directions); without it a link reads as itself', async () => {
    const target = `order-${id()}`;
    const links = `links-${id()}`;
    await h.client.appendToStream(target, [
      jsonEvent({ type: 'A', data: {} }),
      jsonEvent({ type: 'B', data: {} }),
    ]);
    await h.client.appendToStream(links, [link(1, target), link(0, target)]);

    const resolved = await collect(h.client.readStream(links, { resolveLinkTos: true }));
    expect(resolved.map(summary)).toEqual([
      { event: `1@${target}`, link: `0@${links}` },
      { event: `0@${target}`, link: `1@${links}` },
    ]);
    expect(resolved[0]!.event!.type).toBe('B');
    const backwards = await collect(
      h.client.readStream(links, { resolveLinkTos: true, direction: BACKWARDS, fromRevision: END }),
    );
    expect(backwards.map((e) => e.event!.type)).toEqual(['A', 'B']);

    const raw = await collect(h.client.readStream(links));
    expect(raw.map(summary)).toEqual([
      { event: `0@${links}`, link: null },
      { event: `1@${links}`, link: null },
    ]);
    expect(raw[0]!.event!.type).toBe('$>');
  });

  it('resolves links on $all reads; the read position is the link record', async () => {
    const target = `order-${id()}`;
    const links = `links-${id()}`;
    await h.client.appendToStream(target, jsonEvent({ type: 'A', data: {} }));
    await h.client.appendToStream(links, link(0, target));
    const all = await collect(h.client.readAll({ resolveLinkTos: true, fromPosition: START }));
    const found = all.find((e) => e.link?.streamId === links)!;
    expect(summary(found)).toEqual({ event: `0@${target}`, link: `0@${links}` });
    expect(found.commitPosition).toBe(found.link!.position.commit);
    expect(found.event!.position.commit < found.link!.position.commit).toBe(true);
  });

  it('a link to a deleted, tombstoned, truncated or capped target comes back as the link alone', async () => {
    const soft = `soft-${id()}`;
    const hard = `hard-${id()}`;
    const truncated = `trunc-${id()}`;
    const capped = `capped-${id()}`;
    const links = `links-${id()}`;
    for (const s of [soft, hard, truncated, capped]) {
      await h.client.appendToStream(s, [
        jsonEvent({ type: 'A', data: {} }),
        jsonEvent({ type: 'B', data: {} }),
      ]);
    }
    await h.client.deleteStream(soft);
    await h.client.tombstoneStream(hard);
    await h.client.setStreamMetadata(truncated, { truncateBefore: 1 });
    await h.client.setStreamMetadata(capped, { maxCount: 1 });
    await h.client.appendToStream(links, [
      link(0, soft),
      link(0, hard),
      link(0, truncated),
      link(1, truncated),
      link(0, capped),
      link(5, capped),
      link(0, `never-${id()}`),
      binaryEvent({ type: '$>', data: Buffer.from('not a link') }),
    ]);
    const read = await collect(h.client.readStream(links, { resolveLinkTos: true }));
    expect(read.map((e) => [Boolean(e.event), Boolean(e.link)])).toEqual([
      [false, true],
      [false, true],
      [false, true],
      [true, true],
      [false, true],
      [false, true],
      [false, true],
      // A payload that is no link at all is returned as a plain event.
      [true, false],
    ]);
    expect(read[3]!.event!.streamId).toBe(truncated);
    expect(read[0]!.link!.streamId).toBe(links);
  });

  it('catch-up subscriptions resolve links in history and live, to a stream and to $all', async () => {
    const target = `order-${id()}`;
    const links = `links-${id()}`;
    await h.client.appendToStream(target, [
      jsonEvent({ type: 'A', data: {} }),
      jsonEvent({ type: 'B', data: {} }),
    ]);
    await h.client.appendToStream(links, link(0, target));
    const toStream = h.client.subscribeToStream(links, { fromRevision: START, resolveLinkTos: true });
    const toAll = h.client.subscribeToAll({
      fromPosition: START,
      resolveLinkTos: true,
      filter: streamNameFilter({ prefixes: [links] }),
    });
    const seenStream: ResolvedEvent[] = [];
    const seenAll: ResolvedEvent[] = [];
    toStream.on('data', (e: ResolvedEvent) => seenStream.push(e));
    toAll.on('data', (e: ResolvedEvent) => seenAll.push(e));
    await waitFor(() => seenStream.length === 1 && seenAll.length === 1);
    await h.client.appendToStream(links, link(1, target));
    await waitFor(() => seenStream.length === 2 && seenAll.length === 2);
    for (const seen of [seenStream, seenAll]) {
      expect(seen.map((e) => e.event!.type)).toEqual(['A', 'B']);
      expect(seen.map((e) => e.link!.streamId)).toEqual([links, links]);
    }
    await Promise.all([toStream.unsubscribe(), toAll.unsubscribe()]);
  });

  it('persistent subscriptions deliver resolved links, acked by the link id, and park them as links', async () => {
    const target = `order-${id()}`;
    const links = `links-${id()}`;
    await h.client.appendToStream(target, [
      jsonEvent({ type: 'A', data: {} }),
      jsonEvent({ type: 'B', data: {} }),
    ]);
    await h.client.appendToStream(links, [link(0, target), link(1, target)]);
    await h.client.createPersistentSubscriptionToStream(
      links,
      'g',
      persistentSubscriptionToStreamSettingsFromDefaults({ startFrom: START, resolveLinkTos: true }),
    );
    const sub = h.client.subscribeToPersistentSubscriptionToStream(links, 'g');
    const seen: PersistentSubscriptionToStreamResolvedEvent[] = [];
    sub.on('data', (e: PersistentSubscriptionToStreamResolvedEvent) => {
      seen.push(e);
      if (e.event!.type === 'A') void sub.ack(e);
      else void sub.nack('park', 'poison', e);
    });
    await waitFor(() => seen.length === 2);
    expect(seen.map(summary)).toEqual([
      { event: `0@${target}`, link: `0@${links}` },
      { event: `1@${target}`, link: `1@${links}` },
    ]);
    const parked = `$persistentsubscription-${links}::g-parked`;
    await waitFor(async () => (await collect(h.client.readStream(parked)).catch(() => [])).length === 1);
    const [parkedLink] = await collect(h.client.readStream(parked, { resolveLinkTos: true }));
    expect(parkedLink!.event).toMatchObject({ streamId: target, type: 'B' });

    await h.client.replayParkedMessagesToStream(links, 'g');
    await waitFor(() => seen.length === 3);
    // A replayed parked message comes through the parked stream's link.
    expect(seen[2]!.event).toMatchObject({ streamId: target, type: 'B' });
    expect(seen[2]!.link!.streamId).toBe(parked);
    await sub.unsubscribe();
  });
});
