// The newer client first: both clients register the classic protocol's messages globally, the one loaded
// last wins, and the classic calls below are the 6.2.1 client's (the newer one is used for v2 calls only).
import { AccessDeniedError, KurrentDBClient, jsonEvent as kurrentJsonEvent } from '@kurrent/kurrentdb-client';
import { jsonEvent } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import type { Harness } from '../testing/harness';
import { collect, startHarness, tempDir } from '../testing/harness';

/** The newer client on the secure node, signed in as `login`. */
const kurrentAs = (url: string, login: string): KurrentDBClient => {
  const parsed = new URL(url.replace(/^esdb:/, 'http:'));
  parsed.username = login;
  parsed.password = 'changeit';
  return KurrentDBClient.connectionString(parsed.toString().replace(/^http:/, 'kurrentdb:'));
};

describe("secure mode: the newer protocol's appends check stream rights as classic appends do", () => {
  let h: Harness;
  let dir: string;
  let ops: KurrentDBClient;
  let admin: KurrentDBClient;
  beforeAll(async () => {
    dir = await tempDir();
    h = await startHarness({ dataDir: dir, security: {} });
    ops = kurrentAs(h.server.url, 'ops');
    admin = kurrentAs(h.server.url, 'admin');
  });
  afterAll(async () => {
    await Promise.all([ops.dispose(), admin.dispose()]);
    await h.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const lockedStream = async (): Promise<string> => {
    const stream = `order-${randomUUID()}`;
    await h.client.appendToStream(stream, jsonEvent({ type: 'Opened', data: {} }));
    await h.client.setStreamMetadata(stream, { acl: { writeRoles: ['$admins'] } });
    return stream;
  };
  const count = async (stream: string) => (await collect(h.client.readStream(stream)).catch(() => [])).length;
  const event = () => kurrentJsonEvent({ type: 'Tested', data: {} });

  it('AppendSession: a stream the caller may not write refuses the whole session, admins pass', async () => {
    const locked = await lockedStream();
    const open = `order-${randomUUID()}`;
    const session = (client: KurrentDBClient) =>
      client.multiStreamAppend([
        { streamName: open, expectedState: 'any', events: [event()] },
        { streamName: locked, expectedState: 'any', events: [event()] },
      ]);
    await expect(session(ops)).rejects.toBeInstanceOf(AccessDeniedError);
    expect([await count(open), await count(locked)]).toEqual([0, 1]);
    // $all-default user streams stay writable for every signed-in user.
    await expect(
      ops.multiStreamAppend([{ streamName: open, expectedState: 'any', events: [event()] }]),
    ).resolves.toMatchObject({ responses: [{ streamName: open, revision: 0n }] });
    await expect(session(admin)).resolves.toMatchObject({ responses: expect.any(Array) });
    expect([await count(open), await count(locked)]).toEqual([2, 2]);
  });

  it('AppendRecords: every written stream needs write rights; system streams are for admins', async () => {
    const locked = await lockedStream();
    const open = `order-${randomUUID()}`;
    await expect(
      ops.appendRecords([
        { streamName: open, record: event() },
        { streamName: locked, record: event() },
      ]),
    ).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(
      ops.appendRecords([{ streamName: `$system-${randomUUID()}`, record: event() }]),
    ).rejects.toBeInstanceOf(AccessDeniedError);
    expect([await count(open), await count(locked)]).toEqual([0, 1]);
    await expect(ops.appendRecords([{ streamName: open, record: event() }])).resolves.toBeDefined();
    expect(await count(open)).toBe(1);
  });
});
