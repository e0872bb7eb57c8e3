import { rm } from 'node:fs/promises';
import type { ResolvedEvent } from '@eventstore/db-client';
import { collect, startHarness, tempDir } from '../testing/harness';

/** JSON events arrive parsed by the client. */
const json = (e: ResolvedEvent) => e.event!.data as never;

describe('what a node writes when it starts', () => {
  it('a fresh node holds its epoch and the $scavenges metadata in $all, like a real 24.10 node', async () => {
    const h = await startHarness();
    try {
      const all = await collect(h.client.readAll());
      expect(all.map((e) => [e.event!.streamId, e.event!.type, e.event!.revision])).toEqual([
        ['$epoch-information', '$epoch-information', 0n],
        ['$$$scavenges', '$metadata', 0n],
      ]);
      expect(json(all[0]!)).toMatchObject({ epochNumber: 0, epochPosition: 0, prevEpochPosition: -1 });
      expect(json(all[1]!)).toEqual({
        $maxAge: 2_592_000,
        $acl: { $r: '$ops', $w: [], $d: [], $mr: [], $mw: [] },
      });
      const meta = await h.client.getStreamMetadata('$scavenges');
      expect(meta.metadata?.maxAge).toBe(2_592_000);
    } finally {
      await h.dispose();
    }
  });

  it('every start is a new epoch chained to the previous one; the $scavenges metadata is written once', async () => {
    const dataDir = await tempDir();
    try {
      const first = await startHarness({ dataDir });
      await first.dispose();
      const second = await startHarness({ dataDir });
      try {
        const all = await collect(second.client.readAll());
        expect(all.map((e) => e.event!.streamId)).toEqual([
          '$epoch-information',
          '$$$scavenges',
          '$epoch-information',
        ]);
        const [epoch0, , epoch1] = all.map(json) as { epochNumber: number; epochPosition: number }[];
        expect(epoch1).toMatchObject({ epochNumber: 1, prevEpochPosition: epoch0!.epochPosition });
        expect(epoch1!.epochPosition).toBe(Number(all[1]!.event!.position.commit));
      } finally {
        await second.dispose();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
