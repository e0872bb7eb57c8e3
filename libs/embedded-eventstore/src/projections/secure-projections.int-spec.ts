import { jsonEvent } from '@eventstore/db-client';
import { collect, readOrEmpty, startHarness, uniqueTag, waitFor } from '../testing/harness';

const ops = { credentials: { username: 'ops', password: 'changeit' } };

/**
 * A real node's emitted streams get `$$<stream>` metadata with `$acl` `$r`/`$mr` `$all` before their first
 * event, so in secure mode a user who is no admin reads them although default ACLs keep system streams to
 * admins.
 */
describe('system projection streams in secure mode', () => {
  it('are readable, streams and metadata, by a signed-in user who is no admin', async () => {
    const h = await startHarness({ security: {}, systemProjections: true });
    try {
      const cat = `sec${uniqueTag()}`;
      const type = `Typed${uniqueTag()}`;
      await h.client.appendToStream(`${cat}-1`, jsonEvent({ type, data: {} }));
      const streams = [`$ce-${cat}`, `$et-${type}`, `$category-${cat}`, '$streams'];
      for (const stream of streams) await waitFor(async () => (await readOrEmpty(h, stream)).length > 0);
      for (const stream of streams) {
        expect((await collect(h.client.readStream(stream, ops))).length).toBeGreaterThan(0);
        expect((await h.client.getStreamMetadata(stream, ops)).metadata?.acl).toMatchObject({
          readRoles: '$all',
        });
      }
    } finally {
      await h.dispose();
    }
  });
});
