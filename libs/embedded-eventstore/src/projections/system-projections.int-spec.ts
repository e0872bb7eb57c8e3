import { START, StreamNotFoundError, jsonEvent } from '@eventstore/db-client';
import type { ResolvedEvent } from '@eventstore/db-client';
import { rm } from 'node:fs/promises';
import { collect, readOrEmpty, startHarness, tempDir, uniqueTag, waitFor } from '../testing/harness';

const ev = (type: string) => jsonEvent({ type, data: {} });

describe('system projections', () => {
  it('writes $ce-, $et-, $category- and $streams as the standard projections, catching up then live', async () => {
    const h = await startHarness({ inMemory: true, systemProjections: true });
    try {
      const cat = `order${uniqueTag()}`;
      await h.client.appendToStream(`${cat}-1`, [ev('Placed'), ev('Paid')]);
      await h.client.appendToStream(`${cat}-2`, ev('Placed'));
      await waitFor(async () => (await readOrEmpty(h, `$ce-${cat}`)).length === 3);
      const ce = await readOrEmpty(h, `$ce-${cat}`);
      expect(ce.map((e) => `${e.event!.streamId}/${e.event!.type}`)).toEqual([
        `${cat}-1/Placed`,
        `${cat}-1/Paid`,
        `${cat}-2/Placed`,
      ]);
      expect(ce[0]!.link).toMatchObject({ type: '$>', streamId: `$ce-${cat}` });
      const meta = ce[0]!.link!.metadata as Record<string, unknown>;
      expect(meta).toMatchObject({ $o: `${cat}-1`, $causedBy: ce[0]!.event!.id, $v: '3:-1:1:4' });
      expect(meta.$c).toBe(Number(ce[0]!.event!.position!.commit));

      const placed = await readOrEmpty(h, '$et-Placed');
      expect(placed.filter((e) => e.event!.streamId.startsWith(cat)).map((e) => e.event!.streamId)).toEqual([
        `${cat}-1`,
        `${cat}-2`,
      ]);
      const refs = await collect(h.client.readStream(`$category-${cat}`));
      expect(refs.map((e) => [e.event!.type, Buffer.from(e.event!.data as Uint8Array).toString()])).toEqual([
        ['$@', `${cat}-1`],
        ['$@', `${cat}-2`],
      ]);
      const streams = await readOrEmpty(h, '$streams');
      expect(streams.map((e) => e.event!.streamId).filter((s) => s.startsWith(cat))).toEqual([
        `${cat}-1`,
        `${cat}-2`,
      ]);

      // A subscription to a category catches up, then sees new events live.
      const sub = h.client.subscribeToStream(`$ce-${cat}`, { fromRevision: START, resolveLinkTos: true });
      const seen: string[] = [];
      sub.on('data', (e: ResolvedEvent) => seen.push(e.event!.type));
      await waitFor(() => seen.length === 3);
      await h.client.appendToStream(`${cat}-3`, ev('Shipped'));
      await waitFor(() => seen.length === 4);
      expect(seen[3]).toBe('Shipped');
      await sub.unsubscribe();
    } finally {
      await h.dispose();
    }
  });

  it('survives restarts without writing a link twice', async () => {
    const dataDir = await tempDir();
    const cat = `cart${uniqueTag()}`;
    try {
      let h = await startHarness({ dataDir, systemProjections: true });
      await h.client.appendToStream(`${cat}-1`, [ev('A'), ev('B')]);
      await waitFor(async () => (await readOrEmpty(h, `$ce-${cat}`)).length === 2);
      await h.dispose();
      h = await startHarness({ dataDir, systemProjections: true });
      try {
        await h.client.appendToStream(`${cat}-1`, ev('C'));
        await waitFor(async () => (await readOrEmpty(h, `$ce-${cat}`)).length >= 3);
        const ce = await readOrEmpty(h, `$ce-${cat}`);
        expect(ce.map((e) => e.event!.type)).toEqual(['A', 'B', 'C']);
      } finally {
        await h.dispose();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('honours the category setting, and is off by default (no such streams, as on a real node)', async () => {
    const h = await startHarness({
      inMemory: true,
      systemProjections: { categoryBy: 'last', separator: '-' },
    });
    const off = await startHarness();
    try {
      const base = `shop${uniqueTag()}`;
      await h.client.appendToStream(`${base}-order-7`, ev('Placed'));
      await waitFor(async () => (await readOrEmpty(h, `$ce-${base}-order`)).length === 1);
      await off.client.appendToStream(`${base}-7`, ev('Placed'));
      await expect(collect(off.client.readStream(`$ce-${base}`))).rejects.toBeInstanceOf(StreamNotFoundError);
    } finally {
      await h.dispose();
      await off.dispose();
    }
  });
});
