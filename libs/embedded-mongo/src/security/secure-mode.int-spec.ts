import { generateCertificates } from '@shop/embedded-tls';
import { MongoClient, MongoServerError } from 'mongodb';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type EmbeddedMongo, startEmbeddedMongo } from '../server/start';
import { tempDir } from '../testing/harness';

const uriFor = (server: EmbeddedMongo, auth: string, extra = ''): string =>
  `mongodb://${auth}127.0.0.1:${server.port}/?replicaSet=rs0&tls=true&tlsCAFile=${encodeURIComponent(server.caFile!)}${extra}`;

describe('secure mode (TLS, SCRAM-SHA-256, roles) through the official driver', () => {
  const dir = tempDir();
  let server: EmbeddedMongo;
  const clients: MongoClient[] = [];
  const connect = async (uri: string): Promise<MongoClient> => {
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1500 });
    clients.push(client);
    await client.connect();
    return client;
  };
  beforeAll(async () => {
    server = await startEmbeddedMongo({
      port: 0,
      dbPath: dir.path,
      security: { users: [{ user: 'root', pwd: 'r00t pw', roles: ['root'] }] },
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
    dir.remove();
  });

  it('serves TLS with a generated CA and authenticates the bootstrap user from the URI', async () => {
    expect(server.uri).toMatch(
      /^mongodb:\/\/root:r00t%20pw@127\.0\.0\.1:\d+\/\?replicaSet=rs0&tls=true&tlsCAFile=.+&authSource=admin$/,
    );
    expect(server.caFile).toBe(path.join(dir.path, 'tls', 'ca.crt'));
    const client = await connect(server.uri);
    await client
      .db('shop')
      .collection('orders')
      .insertOne({ _id: 1 } as never);
    expect(await client.db('shop').collection('orders').countDocuments()).toBe(1);
    const status = await client.db('admin').command({ connectionStatus: 1 });
    expect(status.authInfo.authenticatedUsers).toEqual([{ user: 'root', db: 'admin' }]);
  });

  it('refuses a wrong password and an unknown user with AuthenticationFailed (18)', async () => {
    await expect(connect(uriFor(server, 'root:wrong@', '&authSource=admin'))).rejects.toMatchObject({
      code: 18,
      message: 'Authentication failed.',
    });
    await expect(connect(uriFor(server, 'nobody:x@', '&authSource=admin'))).rejects.toMatchObject({
      code: 18,
    });
  });

  it('answers only the handshake without credentials; everything else is Unauthorized (13)', async () => {
    const anonymous = await connect(uriFor(server, ''));
    expect((await anonymous.db('admin').command({ ping: 1 })).ok).toBe(1);
    const find = anonymous.db('shop').collection('orders').findOne({});
    await expect(find).rejects.toBeInstanceOf(MongoServerError);
    await expect(find).rejects.toMatchObject({ code: 13, codeName: 'Unauthorized' });
    await expect(anonymous.db('shop').collection('orders').insertOne({})).rejects.toMatchObject({ code: 13 });
    await expect(anonymous.db('admin').command({ listDatabases: 1 })).rejects.toMatchObject({ code: 13 });
  });

  it('creates users with createUser and enforces readWrite, read and dbAdmin on their databases', async () => {
    const root = await connect(server.uri);
    await root.db('shop').command({ createUser: 'app', pwd: 'app-pw', roles: ['readWrite'] });
    await root.db('admin').command({ createUser: 'reader', pwd: 'r', roles: [{ role: 'read', db: 'shop' }] });
    await root.db('admin').command({ createUser: 'dba', pwd: 'd', roles: [{ role: 'dbAdmin', db: 'shop' }] });
    await expect(root.db('shop').command({ createUser: 'app', pwd: 'x', roles: [] })).rejects.toMatchObject({
      code: 51003,
    });
    await expect(
      root.db('shop').command({ createUser: 'y', pwd: 'x', roles: ['superhero'] }),
    ).rejects.toMatchObject({
      code: 31,
    });

    const app = await connect(uriFor(server, 'app:app-pw@', '&authSource=shop'));
    await app
      .db('shop')
      .collection('orders')
      .insertOne({ _id: 2 } as never);
    await app.db('shop').collection('orders').createIndex({ at: 1 });
    await expect(app.db('other').collection('x').findOne({})).rejects.toMatchObject({
      code: 13,
      message: expect.stringMatching(/^not authorized on other to execute command \{ find: "x" \}/),
    });
    await expect(app.db('shop').dropDatabase()).rejects.toMatchObject({ code: 13 });
    // renameCollection goes to admin, where app has no role: the rights that count are on the databases named.
    await app.db('shop').collection('orders').rename('orders2');
    await app.db('shop').collection('orders2').rename('orders');
    await expect(
      app.db('admin').command({ renameCollection: 'shop.orders', to: 'other.orders' }),
    ).rejects.toMatchObject({ code: 13 });

    const reader = await connect(uriFor(server, 'reader:r@', '&authSource=admin'));
    expect(await reader.db('shop').collection('orders').countDocuments()).toBe(2);
    await expect(reader.db('shop').collection('orders').insertOne({})).rejects.toMatchObject({ code: 13 });

    const dba = await connect(uriFor(server, 'dba:d@', '&authSource=admin'));
    expect((await dba.db('shop').listCollections().toArray()).map((c) => c.name)).toContain('orders');
    await expect(dba.db('shop').collection('orders').findOne({})).rejects.toMatchObject({ code: 13 });
    // The profiler (mongosh db.getProfilingStatus()) is dbAdmin's, not a reader's.
    expect(await dba.db('shop').command({ profile: -1 })).toMatchObject({ was: 0, ok: 1 });
    await expect(reader.db('shop').command({ profile: -1 })).rejects.toMatchObject({ code: 13 });

    const info = await root.db('shop').command({ usersInfo: 'app' });
    expect(info.users).toEqual([
      expect.objectContaining({ user: 'app', db: 'shop', mechanisms: ['SCRAM-SHA-256'] }),
    ]);
    await root.db('shop').command({ dropUser: 'app' });
    await expect(connect(uriFor(server, 'app:app-pw@', '&authSource=shop'))).rejects.toMatchObject({
      code: 18,
    });
  });

  it('keeps users across restarts, without storing their passwords', async () => {
    await server.stop();
    const file = fs.readFileSync(path.join(dir.path, 'users.json'), 'utf8');
    expect(file).not.toContain('r00t pw');
    expect(fs.statSync(path.join(dir.path, 'users.json')).mode & 0o077).toBe(0);
    server = await startEmbeddedMongo({ port: 0, dbPath: dir.path, security: {} });
    const reader = await connect(uriFor(server, 'reader:r@', '&authSource=admin'));
    expect(await reader.db('shop').collection('orders').countDocuments()).toBe(2);
  });

  it('lets the first user be created without credentials when there is none (localhost exception)', async () => {
    const tls = {
      caFile: path.join(dir.path, 'tls', 'ca.crt'),
      certFile: path.join(dir.path, 'tls', 'node.crt'),
      keyFile: path.join(dir.path, 'tls', 'node.key'),
    };
    const fresh = await startEmbeddedMongo({ port: 0, inMemory: true, security: { tls } });
    try {
      const anonymous = await connect(uriFor(fresh, ''));
      await anonymous.db('admin').command({ createUser: 'first', pwd: 'f', roles: ['root'] });
      await expect(
        anonymous.db('admin').command({ createUser: 'second', pwd: 's', roles: ['root'] }),
      ).rejects.toMatchObject({ code: 13 });
      const first = await connect(uriFor(fresh, 'first:f@', '&authSource=admin'));
      expect((await first.db('admin').command({ listDatabases: 1 })).ok).toBe(1);
    } finally {
      await fresh.stop();
    }
  });

  it('is unreachable in the clear, with an untrusted CA, or with an expired certificate', async () => {
    const plain = `mongodb://reader:r@127.0.0.1:${server.port}/?replicaSet=rs0&authSource=admin`;
    await expect(connect(plain)).rejects.toThrow(/Server selection timed out|connection|closed/i);
    const foreign = await generateCertificates();
    const foreignCa = path.join(dir.path, 'foreign.crt');
    fs.writeFileSync(foreignCa, foreign.caCert);
    const untrusted = `mongodb://reader:r@127.0.0.1:${server.port}/?replicaSet=rs0&authSource=admin&tls=true&tlsCAFile=${encodeURIComponent(foreignCa)}`;
    await expect(connect(untrusted)).rejects.toThrow(/self[- ]signed|unable to verify|local issuer/i);

    const expired = await generateCertificates({
      notBefore: new Date(Date.now() - 3 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    const files = { caFile: 'e-ca.crt', certFile: 'e-node.crt', keyFile: 'e-node.key' };
    fs.writeFileSync(path.join(dir.path, files.caFile), expired.caCert);
    fs.writeFileSync(path.join(dir.path, files.certFile), expired.nodeCert);
    fs.writeFileSync(path.join(dir.path, files.keyFile), expired.nodeKey);
    const stale = await startEmbeddedMongo({
      port: 0,
      inMemory: true,
      security: {
        tls: {
          caFile: path.join(dir.path, files.caFile),
          certFile: path.join(dir.path, files.certFile),
          keyFile: path.join(dir.path, files.keyFile),
        },
      },
    });
    try {
      await expect(connect(stale.uri)).rejects.toThrow(/expired/i);
    } finally {
      await stale.stop();
    }
  });
});
