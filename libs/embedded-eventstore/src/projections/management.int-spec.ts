import { UnknownError, jsonEvent } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { collect, startHarness, tempDir, waitFor } from '../testing/harness';
import type { Harness } from '../testing/harness';

const count = async (h: Harness, stream: string): Promise<number> =>
  (await collect(h.client.readStream(stream)).catch(() => [])).length;

describe('projection management for the system projections', () => {
  it('lists the four, disables and re-enables one (kept across restarts), refuses what it cannot do', async () => {
    const dataDir = await tempDir();
    const cat = `mgmt${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    try {
      let h = await startHarness({ dataDir, systemProjections: true });
      const listed = await h.client.listProjections();
      expect(listed.map((p) => [p.name, p.projectionStatus]).sort()).toEqual([
        ['$by_category', 'Running'],
        ['$by_event_type', 'Running'],
        ['$stream_by_category', 'Running'],
        ['$streams', 'Running'],
      ]);
      await h.client.disableProjection('$by_category');
      expect((await h.client.getProjectionStatus('$by_category')).projectionStatus).toBe('Stopped');
      await h.client.appendToStream(`${cat}-1`, jsonEvent({ type: `T${cat}`, data: {} }));
      await waitFor(async () => (await count(h, `$et-T${cat}`)) === 1);
      expect(await count(h, `$ce-${cat}`)).toBe(0);
      await h.dispose();

      h = await startHarness({ dataDir, systemProjections: true });
      try {
        expect((await h.client.getProjectionStatus('$by_category')).projectionStatus).toBe('Stopped');
        await h.client.enableProjection('$by_category');
        await waitFor(async () => (await count(h, `$ce-${cat}`)) === 1);
        expect(await h.client.getProjectionState('$by_category')).toBeNull();
        await expect(h.client.resetProjection('mine')).rejects.toThrow(/not found/);
        await expect(h.client.getProjectionStatus('mine')).rejects.toThrow(/not found/);
        const created = await h.client
          .createProjection('mine', 'fromAll().when({})')
          .catch((e: unknown) => e);
        expect(created).toBeInstanceOf(UnknownError);
        expect(String((created as Error).message)).toMatch(
          /user-defined JavaScript projections are not supported/,
        );
      } finally {
        await h.dispose();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
