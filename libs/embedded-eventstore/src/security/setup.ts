import * as path from 'node:path';
import { type ServerInterceptor } from '@grpc/grpc-js';
import {
  ensureTlsFiles,
  readTlsFiles,
  TLS_DIR_NAME,
  type TlsFiles,
  type TlsMaterial,
} from '@shop/embedded-tls';
import type { EventStore } from '../store/event-store';
import { securityInterceptor } from './interceptor';
import { DEFAULT_USERS, type EsdbUser, UserRegistry } from './users';

/** A node run the way production runs one: TLS, users, ACLs (the real server without `--insecure`). */
export interface EmbeddedEventStoreSecurity {
  /** PEM files to serve; default: a CA and node certificate generated into `<dataDir>/tls` on first start. */
  tls?: TlsFiles;
  /** Added to the default users `admin`/`changeit` ($admins) and `ops`/`changeit` ($ops); same login replaces. */
  users?: EsdbUser[];
}

export interface PreparedSecurity {
  /** The node's certificate and key: TLS is terminated on the shared gRPC + HTTP port. */
  material: TlsMaterial;
  /** The accounts, for the HTTP API's Basic credentials. */
  registry: UserRegistry;
  interceptors: (store: EventStore) => ServerInterceptor[];
  tls: TlsFiles;
  /** Every account (defaults with configured ones applied), for the node's `$user-*` streams. */
  users: readonly EsdbUser[];
  /** Connection string for `host:port` as the admin user, trusting the node's CA. */
  url(host: string, port: number): string;
}

export const prepareSecurity = async (
  security: EmbeddedEventStoreSecurity,
  dataDir: string | undefined,
): Promise<PreparedSecurity> => {
  if (!security.tls && !dataDir)
    throw new Error('embedded-eventstore: secure mode in memory needs security.tls (PEM file paths)');
  const tls = security.tls ?? (await ensureTlsFiles(path.join(dataDir!, TLS_DIR_NAME)));
  const material = await readTlsFiles(tls);
  const users = new UserRegistry(security.users);
  const accounts = [
    ...new Map([...DEFAULT_USERS, ...(security.users ?? [])].map((user) => [user.login, user])).values(),
  ];
  const admin = accounts.find((user) => user.login === 'admin')!;
  return {
    // Client certificates are not required: like a real node, callers prove who they are with credentials.
    material,
    registry: users,
    interceptors: (store) => [securityInterceptor(users, store)],
    tls,
    users: accounts,
    // `localhost` rather than 127.0.0.1: gRPC would send an IP as TLS server name, which Node deprecates.
    url: (host, port) =>
      `esdb://${encodeURIComponent(admin.login)}:${encodeURIComponent(admin.password)}@${host === '127.0.0.1' ? 'localhost' : host}:${port}` +
      `?tls=true&tlsCAFile=${encodeURIComponent(tls.caFile)}`,
  };
};
