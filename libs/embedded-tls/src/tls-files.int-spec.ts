import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { type AddressInfo, isIP } from 'node:net';
import { generateCertificates } from './certificates';
import { ensureTlsFiles, readTlsFiles } from './tls-files';

const handshake = async (
  server: { cert: string | Buffer; key: string | Buffer },
  ca: string | Buffer,
  host: string,
): Promise<void> => {
  const listener = tls.createServer({ cert: server.cert, key: server.key }, (socket) => socket.end());
  await new Promise<void>((resolve) => listener.listen(0, host, resolve));
  const { port } = listener.address() as AddressInfo;
  try {
    await new Promise<void>((resolve, reject) => {
      const socket = tls.connect({ host, port, ca, servername: isIP(host) ? undefined : host }, () => {
        socket.end();
        resolve();
      });
      socket.on('error', reject);
    });
  } finally {
    listener.close();
  }
};

describe('embedded TLS material', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('generates a CA and node certificate once, trusted on loopback names, keys owner-only', async () => {
    const files = await ensureTlsFiles(dir);
    const material = await readTlsFiles(files);
    await handshake(material, material.ca, '127.0.0.1');
    expect(fs.statSync(files.keyFile).mode & 0o077).toBe(0);
    const again = await ensureTlsFiles(dir);
    expect(fs.readFileSync(again.caFile)).toEqual(material.ca);
    expect(fs.readFileSync(again.certFile)).toEqual(material.cert);
  });

  it('renews an expiring node certificate with the same CA', async () => {
    const first = await readTlsFiles(await ensureTlsFiles(dir));
    const expiring = await generateCertificates({
      ca: { cert: first.ca.toString(), key: fs.readFileSync(path.join(dir, 'ca.key'), 'utf8') },
      notAfter: new Date(Date.now() + 60_000),
    });
    fs.writeFileSync(path.join(dir, 'node.crt'), expiring.nodeCert);
    const renewed = await readTlsFiles(await ensureTlsFiles(dir));
    expect(renewed.cert.toString()).not.toBe(expiring.nodeCert);
    expect(renewed.ca).toEqual(first.ca);
    await handshake(renewed, first.ca, '127.0.0.1');
  });

  it('is refused by a client trusting another CA, or once expired', async () => {
    const set = await generateCertificates();
    const other = await generateCertificates();
    await expect(
      handshake({ cert: set.nodeCert, key: set.nodeKey }, other.caCert, '127.0.0.1'),
    ).rejects.toThrow(/self[- ]signed|unable to verify|unable to get local issuer/i);
    const expired = await generateCertificates({
      notBefore: new Date(Date.now() - 3 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    await expect(
      handshake({ cert: expired.nodeCert, key: expired.nodeKey }, expired.caCert, '127.0.0.1'),
    ).rejects.toThrow(/expired/i);
  });

  it('names the missing file when given paths that do not exist', async () => {
    await expect(
      readTlsFiles({ caFile: path.join(dir, 'nope.crt'), certFile: 'x', keyFile: 'y' }),
    ).rejects.toThrow(/TLS CA file .*nope\.crt cannot be read: ENOENT/);
  });
});
