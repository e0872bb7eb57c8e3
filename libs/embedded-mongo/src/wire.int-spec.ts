import { serialize } from 'bson';
import { connect, type Socket } from 'node:net';
import { type Harness, startHarness } from './testing/harness';

const header = (length: number, requestId: number, opCode: number): Buffer => {
  const b = Buffer.alloc(16);
  b.writeInt32LE(length, 0);
  b.writeInt32LE(requestId, 4);
  b.writeInt32LE(0, 8);
  b.writeInt32LE(opCode, 12);
  return b;
};

const opMsg = (body: Buffer, requestId = 1): Buffer =>
  Buffer.concat([header(16 + 5 + body.length, requestId, 2013), Buffer.alloc(4), Buffer.from([0]), body]);

/** Sends raw bytes and resolves with what came back before the server closed (or answered once). */
const exchange = (port: number, bytes: Buffer): Promise<{ reply: Buffer; closed: boolean }> =>
  new Promise((resolve, reject) => {
    const s: Socket = connect(port, '127.0.0.1');
    let reply = Buffer.alloc(0);
    s.on('error', reject);
    s.on('data', (d: Buffer) => {
      reply = Buffer.concat([reply, d]);
      if (reply.length >= 4 && reply.length >= reply.readInt32LE(0)) {
        s.destroy();
        resolve({ reply, closed: false });
      }
    });
    s.on('close', () => resolve({ reply, closed: true }));
    s.write(bytes);
  });

describe('embedded-mongo wire robustness', () => {
  let h: Harness;
  beforeAll(async () => (h = await startHarness()));
  afterAll(() => h.close());

  const stillServes = async () =>
    expect(await h.client.db('w').command({ ping: 1 })).toMatchObject({ ok: 1 });

  it('closes the connection on a length below the header size', async () => {
    expect(await exchange(h.server.port, Buffer.concat([header(8, 1, 2013), Buffer.alloc(8)]))).toMatchObject(
      { closed: true },
    );
    await stillServes();
  });

  it('closes the connection on a length above the message limit', async () => {
    expect(await exchange(h.server.port, header(64 * 1024 * 1024, 1, 2013))).toMatchObject({ closed: true });
    await stillServes();
  });

  it('closes the connection on an unsupported opcode', async () => {
    expect(
      await exchange(h.server.port, Buffer.concat([header(26, 1, 2012), Buffer.alloc(10)])),
    ).toMatchObject({ closed: true });
    await stillServes();
  });

  it('answers invalid BSON with an error reply', async () => {
    const bad = Buffer.from([0x0c, 0, 0, 0, 0x7f, 0x61, 0, 1, 2, 3, 4, 0]);
    const { reply } = await exchange(h.server.port, opMsg(bad, 7));
    expect(reply.readInt32LE(8)).toBe(7);
    expect(reply.toString('latin1')).toContain('FailedToParse');
    await stillServes();
  });

  it('answers a document whose length overruns the message with an error reply', async () => {
    const body = Buffer.from(serialize({ ping: 1, $db: 'admin' }));
    body.writeInt32LE(body.length + 50, 0);
    const { reply } = await exchange(h.server.port, opMsg(body, 9));
    expect(reply.toString('latin1')).toContain('invalid BSON document length');
    await stillServes();
  });

  it('survives random garbage on many connections', async () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256;
    for (let i = 0; i < 20; i++) {
      const junk = Buffer.from(Array.from({ length: 16 + ((i * 7) % 64) }, rnd));
      junk.writeInt32LE(junk.length, 0);
      await exchange(h.server.port, junk);
    }
    await stillServes();
  });

  it('answers a raw OP_MSG ping', async () => {
    const { reply } = await exchange(
      h.server.port,
      opMsg(Buffer.from(serialize({ ping: 1, $db: 'admin' })), 11),
    );
    expect(reply.readInt32LE(12)).toBe(2013);
    expect(reply.readInt32LE(8)).toBe(11);
  });
});
