import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { expiresIn, generateCertificates } from './certificates';

/** Where a server's TLS material is: PEM files on disk. */
export interface TlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** The PEM contents, read once at start-up. */
export interface TlsMaterial {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

export const TLS_DIR_NAME = 'tls';
const RENEW_BEFORE_MS = 7 * 24 * 60 * 60 * 1000;

const exists = async (file: string): Promise<boolean> =>
  fs.access(file).then(
    () => true,
    () => false,
  );

/** Keys are written owner-only: anyone who can read them can impersonate the server. */
const write = async (file: string, content: string, secret: boolean): Promise<void> => {
  const temp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temp, content, { mode: secret ? 0o600 : 0o644 });
  await fs.rename(temp, file);
};

/**
 * The CA and node certificate under `<dir>`: generated on first start, kept afterwards (clients pin the CA
 * file), and the node certificate renewed with the same CA when it is about to expire.
 */
export const ensureTlsFiles = async (dir: string): Promise<TlsFiles> => {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const files = {
    caFile: path.join(dir, 'ca.crt'),
    caKeyFile: path.join(dir, 'ca.key'),
    certFile: path.join(dir, 'node.crt'),
    keyFile: path.join(dir, 'node.key'),
  };
  const haveCa = (await exists(files.caFile)) && (await exists(files.caKeyFile));
  const haveNode = (await exists(files.certFile)) && (await exists(files.keyFile));
  if (haveCa && haveNode) {
    const cert = await fs.readFile(files.certFile, 'utf8');
    if (expiresIn(cert) > RENEW_BEFORE_MS) return pick(files);
  }
  const ca = haveCa
    ? { cert: await fs.readFile(files.caFile, 'utf8'), key: await fs.readFile(files.caKeyFile, 'utf8') }
    : undefined;
  const set = await generateCertificates(ca ? { ca } : {});
  if (!ca) {
    await write(files.caKeyFile, set.caKey, true);
    await write(files.caFile, set.caCert, false);
  }
  await write(files.keyFile, set.nodeKey, true);
  await write(files.certFile, set.nodeCert, false);
  return pick(files);
};

const pick = ({ caFile, certFile, keyFile }: TlsFiles): TlsFiles => ({ caFile, certFile, keyFile });

export const readTlsFiles = async (files: TlsFiles): Promise<TlsMaterial> => {
  const read = (file: string, what: string): Promise<Buffer> =>
    fs.readFile(file).catch((error: NodeJS.ErrnoException) => {
      throw new Error(`TLS ${what} file ${file} cannot be read: ${error.code ?? error.message}`);
    });
  const [ca, cert, key] = await Promise.all([
    read(files.caFile, 'CA'),
    read(files.certFile, 'certificate'),
    read(files.keyFile, 'key'),
  ]);
  return { ca, cert, key };
};
