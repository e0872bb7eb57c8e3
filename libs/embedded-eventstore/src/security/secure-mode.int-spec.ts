import {
  AccessDeniedError,
  EventStoreDBClient,
  START,
  jsonEvent,
  persistentSubscriptionToStreamSettingsFromDefaults,
} from '@eventstore/db-client';
import { status } from '@grpc/grpc-js';
import { generateCertificates } from '@shop/embedded-tls';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Harness } from '../testing/harness';
import { collect, startHarness, tempDir } from '../testing/harness';

// A client that cannot complete the TLS handshake fails the call as UNAVAILABLE, before any server answer.
const unavailable = { code: status.UNAVAILABLE };
const ops = { credentials: { username: 'ops', password: 'changeit' } };
const event = () => jsonEvent({ type: 'Tested', data: { at: Date.now() } });

const clientFor = (url: string, change: (u: URL) => void): EventStoreDBClient => {
  const parsed = new URL(url.replace(/^esdb:/, 'http:'));
  change(parsed);
  return EventStoreDBClient.connectionString(parsed.toString().replace(/^http:/, 'esdb:'));
};

describe('secure mode (TLS, users, ACLs) through the official client', () => {
  let h: Harness;
  let dir: string;
  const others: EventStoreDBClient[] = [];
  const other = (change: (u: URL) => void): EventStoreDBClient => {
    const client = clientFor(h.server.url, change);
    others.push(client);
    return client;
  };
  beforeAll(async () => {
    dir = await tempDir();
    h = await startHarness({ dataDir: dir, security: {} });
  });
  afterAll(async () => {
    await Promise.all(others.map((c) => c.dispose()));
    await h.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves TLS with a CA generated into the data directory, and the admin does everything', async () => {
    expect(h.server.url).toMatch(/^esdb:\/\/admin:changeit@localhost:\d+\?tls=true&tlsCAFile=/);
    expect(h.server.caFile).toBe(path.join(dir, 'tls', 'ca.crt'));
    const s = `order-${randomUUID()}`;
    await h.client.appendToStream(s, event());
    expect(await collect(h.client.readStream(s))).toHaveLength(1);
    const all = await collect(h.client.readAll({ fromPosition: START, maxCount: 10 }));
    expect(all.length).toBeGreaterThan(0);
  });

  it('writes the users streams a secure node has, readable by users, writable by admins only', async () => {
    const created = await collect(h.client.readStream('$users'));
    expect(created.map((e) => e.event?.data)).toEqual(['admin', 'ops']);
    expect(created.map((e) => e.event?.type)).toEqual(['$UserCreated', '$UserCreated']);
    const [admin] = await collect(h.client.readStream('$user-admin', ops));
    expect(admin?.event?.type).toBe('$user');
    expect(admin?.event?.data).toMatchObject({ loginName: 'admin', groups: ['$admins'], disabled: false });
    expect(JSON.stringify(admin?.event?.data)).not.toContain('changeit');
    await expect(h.client.appendToStream('$user-admin', event(), ops)).rejects.toBeInstanceOf(
      AccessDeniedError,
    );
  });

  it('refuses calls without credentials with AccessDenied', async () => {
    const anonymous = other((u) => {
      u.username = '';
      u.password = '';
    });
    const s = `order-${randomUUID()}`;
    const append = anonymous.appendToStream(s, event());
    await expect(append).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(append).rejects.toMatchObject({ code: status.PERMISSION_DENIED });
    await expect(collect(anonymous.readStream(s))).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(collect(anonymous.readAll({ maxCount: 1 }))).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(anonymous.listAllPersistentSubscriptions()).rejects.toBeInstanceOf(AccessDeniedError);
  });

  it('refuses a wrong password as not authenticated (UNAUTHENTICATED, surfaced as AccessDenied)', async () => {
    const wrong = other((u) => {
      u.password = 'nope';
    });
    const append = wrong.appendToStream(`order-${randomUUID()}`, event());
    await expect(append).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(append).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
    const unknown = other((u) => {
      u.username = 'mallory';
    });
    await expect(collect(unknown.readStream('order-x'))).rejects.toMatchObject({
      code: status.UNAUTHENTICATED,
    });
  });

  it('applies default ACLs: users may use user streams, only admins $all and system streams', async () => {
    const s = `order-${randomUUID()}`;
    await h.client.appendToStream(s, event(), ops);
    expect(await collect(h.client.readStream(s, ops))).toHaveLength(1);
    await expect(collect(h.client.readAll({ maxCount: 1, ...ops }))).rejects.toBeInstanceOf(
      AccessDeniedError,
    );
    await expect(collect(h.client.subscribeToAll({ fromPosition: START, ...ops }))).rejects.toBeInstanceOf(
      AccessDeniedError,
    );
    await expect(h.client.appendToStream('$system-thing', event(), ops)).rejects.toBeInstanceOf(
      AccessDeniedError,
    );
    await h.client.appendToStream('$system-thing', event());
  });

  it('enforces a stream $acl: a user without rights is refused, admins always pass', async () => {
    const s = `order-${randomUUID()}`;
    await h.client.appendToStream(s, event());
    await h.client.setStreamMetadata(s, {
      acl: { readRoles: ['$admins'], writeRoles: ['$admins'], metaReadRoles: ['$admins'] },
    });
    await expect(collect(h.client.readStream(s, ops))).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(h.client.appendToStream(s, event(), ops)).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(h.client.getStreamMetadata(s, ops)).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(h.client.deleteStream(s, ops)).resolves.toBeDefined(); // $d was left at the default
    const grant = `order-${randomUUID()}`;
    await h.client.appendToStream(grant, event());
    await h.client.setStreamMetadata(grant, { acl: { readRoles: ['ops'], writeRoles: ['$admins'] } });
    expect(await collect(h.client.readStream(grant, ops))).toHaveLength(1);
    await expect(h.client.setStreamMetadata(grant, {}, ops)).resolves.toBeDefined(); // $mw default: everyone
    expect(await collect(h.client.readStream(grant))).toHaveLength(1);
  });

  it('takes default ACLs from $settings, which only admins may change', async () => {
    const s = `order-${randomUUID()}`;
    await h.client.appendToStream(s, event(), ops);
    const settings = jsonEvent({
      type: 'update-default-acl',
      data: {
        $userStreamAcl: { $r: '$admins', $w: ['$admins', 'ops'] },
        $systemStreamAcl: { $r: ['$admins', '$ops'] },
      },
    });
    await expect(h.client.appendToStream('$settings', settings, ops)).rejects.toBeInstanceOf(
      AccessDeniedError,
    );
    await h.client.appendToStream('$settings', settings);
    try {
      await expect(collect(h.client.readStream(s, ops))).rejects.toBeInstanceOf(AccessDeniedError);
      await h.client.appendToStream(s, event(), ops); // $w lists ops
      expect(await collect(h.client.readStream('$users', ops))).toHaveLength(2); // system default now has $ops
      const own = `order-${randomUUID()}`;
      await h.client.appendToStream(own, event());
      await h.client.setStreamMetadata(own, { acl: { readRoles: ['ops'] } });
      expect(await collect(h.client.readStream(own, ops))).toHaveLength(1); // a stream's $acl beats the default
    } finally {
      await h.client.appendToStream('$settings', jsonEvent({ type: 'update-default-acl', data: {} }));
    }
    expect(await collect(h.client.readStream(s, ops))).toHaveLength(2);
  });

  it('checks rights when a persistent subscription connects', async () => {
    const s = `order-${randomUUID()}`;
    await h.client.appendToStream(s, event());
    await h.client.setStreamMetadata(s, { acl: { readRoles: ['$admins'] } });
    await h.client.createPersistentSubscriptionToStream(
      s,
      'g',
      persistentSubscriptionToStreamSettingsFromDefaults(),
      ops,
    );
    const subscription = h.client.subscribeToPersistentSubscriptionToStream(s, 'g', ops);
    await expect(collect(subscription)).rejects.toBeInstanceOf(AccessDeniedError);
  });

  it('is unreachable in the clear, with an untrusted CA, or with an expired certificate', async () => {
    const clear = other((u) => {
      u.search = '?tls=false';
    });
    await expect(clear.appendToStream(`order-${randomUUID()}`, event())).rejects.toMatchObject(unavailable);
    const foreign = await generateCertificates();
    const foreignCa = path.join(dir, 'foreign-ca.crt');
    fs.writeFileSync(foreignCa, foreign.caCert);
    const untrusting = other((u) => {
      u.search = `?tls=true&tlsCAFile=${encodeURIComponent(foreignCa)}`;
    });
    await expect(untrusting.appendToStream(`order-${randomUUID()}`, event())).rejects.toMatchObject(
      unavailable,
    );
    const expiredDir = await tempDir();
    const expired = await generateCertificates({
      notBefore: new Date(Date.now() - 3 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    const files = { caFile: 'ca.crt', certFile: 'node.crt', keyFile: 'node.key' };
    fs.writeFileSync(path.join(expiredDir, files.caFile), expired.caCert);
    fs.writeFileSync(path.join(expiredDir, files.certFile), expired.nodeCert);
    fs.writeFileSync(path.join(expiredDir, files.keyFile), expired.nodeKey);
    const stale = await startHarness({
      inMemory: true,
      security: {
        tls: {
          caFile: path.join(expiredDir, files.caFile),
          certFile: path.join(expiredDir, files.certFile),
          keyFile: path.join(expiredDir, files.keyFile),
        },
      },
    });
    try {
      await expect(stale.client.appendToStream(`order-${randomUUID()}`, event())).rejects.toMatchObject(
        unavailable,
      );
    } finally {
      await stale.dispose();
      fs.rmSync(expiredDir, { recursive: true, force: true });
    }
  });
});
