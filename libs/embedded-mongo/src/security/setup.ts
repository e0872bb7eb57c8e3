import * as path from 'node:path';
import type { TlsOptions } from 'node:tls';
import { ensureTlsFiles, readTlsFiles, TLS_DIR_NAME, type TlsFiles } from '@shop/embedded-tls';
import { SecurityGuard } from './guard';
import { type BootstrapUser, UserStore } from './user-store';

/** mongod with `--auth` and `--tlsMode requireTLS`. */
export interface EmbeddedMongoSecurity {
  /** PEM files; default: a CA and node certificate generated into `<dbPath>/tls` on first start. */
  tls?: TlsFiles;
  /** Users created at start when missing; the first one is put in `uri`. */
  users?: BootstrapUser[];
}

export interface PreparedMongoSecurity {
  guard: SecurityGuard;
  tlsOptions: TlsOptions;
  tls: TlsFiles;
  /** `user:pw@` for the first bootstrap user and the URI options that go with it. */
  credentials: string;
  uriOptions: string;
}

export const prepareMongoSecurity = async (
  security: EmbeddedMongoSecurity,
  dbPath: string | null,
): Promise<PreparedMongoSecurity> => {
  if (!security.tls && !dbPath) throw new Error('embedded-mongo: secure mode in memory needs security.tls');
  const tls = security.tls ?? (await ensureTlsFiles(path.join(dbPath!, TLS_DIR_NAME)));
  const material = await readTlsFiles(tls);
  const users = UserStore.open(dbPath);
  users.bootstrap(security.users ?? []);
  const first = security.users?.[0];
  return {
    guard: new SecurityGuard(users),
    // Client certificates are optional, as with mongod's default `tlsAllowConnectionsWithoutCertificates`.
    tlsOptions: { cert: material.cert, key: material.key, ca: material.ca, minVersion: 'TLSv1.2' },
    tls,
    credentials: first ? `${encodeURIComponent(first.user)}:${encodeURIComponent(first.pwd)}@` : '',
    uriOptions:
      `&tls=true&tlsCAFile=${encodeURIComponent(tls.caFile)}` +
      (first ? `&authSource=${encodeURIComponent(first.db ?? 'admin')}` : ''),
  };
};
