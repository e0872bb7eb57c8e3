import { jsonEvent } from '@eventstore/db-client';
import type { ResolvedEvent } from '@eventstore/db-client';
import { rm } from 'node:fs/promises';
import { collect, readOrEmpty, startHarness, tempDir, uniqueTag, waitFor } from '../testing/harness';

const ev = (type: string) => jsonEvent({ type, data: {} });
const metaOf = (e: ResolvedEvent) => e.link!.metadata as Record<string, unknown>;

/**
 * A real node's reset: the projection's version goes up and becomes its epoch, it starts again from the
 * start of `$all`, and each emitted stream is begun anew: `$$<stream>` gets `$tb` past what the earlier
 * epoch wrote (ManagedProjection.Reset, EmittedStream's new logical stream), then the links come again.
 */
describe('resetting a system projection', () => {
  it('re-emits from the start behind $tb, with the new epoch in $v, and keeps that across a restart', async () => {
    const dataDir = await tempDir();
    const cat = `reset${uniqueTag()}`;
    try {
      let h = await startHarness({ dataDir, systemProjections: true });
      await h.client.appendToStream(`${cat}-1`, [ev('A'), ev('B')]);
      await waitFor(async () => (await readOrEmpty(h, `$ce-${cat}`)).length === 2);
      const before = await readOrEmpty(h, `$ce-${cat}`);
      expect(metaOf(before[0]!).$v).toBe('3:-1:1:4');
      // A new stream gets the metadata a real node's emitted stream gets: readable by everyone.
      const [created] = await collect(h.client.readStream(`$$$ce-${cat}`));
      expect(created!.event!.data).toEqual({ $acl: { $r: '$all', $mr: '$all' } });

      await h.client.resetProjection('$by_category');
      await waitFor(async () => {
        const links = await readOrEmpty(h, `$ce-${cat}`);
        return links.length === 2 && links.every((l) => metaOf(l).$v === '3:2:2:4');
      });
      const after = await readOrEmpty(h, `$ce-${cat}`);
      expect(after.map((l) => [l.event!.type, l.link!.revision])).toEqual([
        ['A', 2n],
        ['B', 3n],
      ]);
      const metadata = await h.client.getStreamMetadata(`$ce-${cat}`);
      // (The client names them: $tb is truncateBefore, $acl's $r/$mr readRoles/metaReadRoles.)
      expect(metadata.metadata).toMatchObject({
        truncateBefore: 2,
        acl: { readRoles: '$all', metaReadRoles: '$all' },
      });
      const [stats] = await h.client
        .listProjections()
        .then((all) => all.filter((p) => p.name === '$by_category'));
      expect(stats).toMatchObject({ projectionStatus: 'Running', epoch: 2n, version: 2n });
      // The other projections were left alone.
      const types = await readOrEmpty(h, '$et-A');
      expect(types.filter((l) => l.event!.streamId === `${cat}-1`).map((l) => metaOf(l).$v)).toEqual([
        '4:-1:1:4',
      ]);
      await h.dispose();

      h = await startHarness({ dataDir, systemProjections: true });
      try {
        await h.client.appendToStream(`${cat}-1`, ev('C'));
        await waitFor(async () => (await readOrEmpty(h, `$ce-${cat}`)).length === 3);
        const links = await readOrEmpty(h, `$ce-${cat}`);
        expect(links.map((l) => l.event!.type)).toEqual(['A', 'B', 'C']);
        expect(links.map((l) => metaOf(l).$v)).toEqual(['3:2:2:4', '3:2:2:4', '3:2:2:4']);
      } finally {
        await h.dispose();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a stopped projection stays stopped after a reset, and re-emits from the start when enabled', async () => {
    const h = await startHarness({ inMemory: true, systemProjections: true });
    const type = `Typed${uniqueTag()}`;
    try {
      await h.client.appendToStream(`x${uniqueTag()}-1`, [ev(type), ev(type)]);
      await waitFor(async () => (await readOrEmpty(h, `$et-${type}`)).length === 2);
      await h.client.disableProjection('$by_event_type');
      await h.client.resetProjection('$by_event_type');
      expect((await h.client.getProjectionStatus('$by_event_type')).projectionStatus).toBe('Stopped');
      expect((await readOrEmpty(h, `$et-${type}`)).map((l) => metaOf(l).$v)).toEqual([
        '4:-1:1:4',
        '4:-1:1:4',
      ]);
      await h.client.enableProjection('$by_event_type');
      await waitFor(async () => {
        const links = await readOrEmpty(h, `$et-${type}`);
        return links.length === 2 && links.every((l) => metaOf(l).$v === '4:2:2:4');
      });
    } finally {
      await h.dispose();
    }
  });

  it('a checkpoint of the earlier epoch does not count after a restart: reset while stopped, restarted, enabled', async () => {
    const dataDir = await tempDir();
    const type = `Typed${uniqueTag()}`;
    try {
      let h = await startHarness({ dataDir, systemProjections: true });
      await h.client.appendToStream(`x${uniqueTag()}-1`, [ev(type), ev(type)]);
      await waitFor(async () => (await readOrEmpty(h, `$et-${type}`)).length === 2);
      await h.client.disableProjection('$by_event_type');
      await h.client.resetProjection('$by_event_type');
      await h.dispose();

      h = await startHarness({ dataDir, systemProjections: true });
      try {
        const status = await h.client.getProjectionStatus('$by_event_type');
        expect(status).toMatchObject({ projectionStatus: 'Stopped', epoch: 2n, version: 2n });
        await h.client.enableProjection('$by_event_type');
        await waitFor(async () => {
          const links = await readOrEmpty(h, `$et-${type}`);
          return links.length === 2 && links.every((l) => metaOf(l).$v === '4:2:2:4');
        });
      } finally {
        await h.dispose();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
