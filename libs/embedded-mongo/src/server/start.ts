import { isIP } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { unlinkSync } from 'node:fs';
import { runCommand } from '../commands/dispatch';
import { Engine } from '../commands/env';
import { ensureSystemCollections } from '../engine/system-collections';
import { type EmbeddedMongoSecurity, prepareMongoSecurity } from '../security/setup';
import { Storage } from '../storage/storage';
import { Connection } from '../wire/connection';

export interface EmbeddedMongoOptions {
  /** Directory for the journal and snapshots. Required unless `inMemory`. */
  dbPath?: string;
  inMemory?: boolean;
  /** Default 127.0.0.1. Anything that is not loopback needs `allowRemote: true`. */
  host?: string;
  /** Default 27017; 0 picks a free port. */
  port?: number;
  /** Also listen on this Unix socket. */
  socketPath?: string;
  allowRemote?: boolean;
  /** Replica set name reported in the handshake (default rs0). */
  replSetName?: string;
  /** Idle time after which an open cursor is dropped (default 10 minutes). */
  cursorTimeoutMs?: number;
  /** How often TTL indexes are enforced (default 60 s, as mongod). */
  ttlMonitorMs?: number;
  /** Journal size that triggers folding it into a snapshot (default 64 MB). */
  compactAfterBytes?: number;
  /** Test-only commands such as `configureFailPoint` (tests and devstack: yes; production: never). */
  enableTestCommands?: boolean;
  /**
   * Changes kept in memory for change-stream resumes and snapshot reads at an earlier cluster time while they
   * are in use (default 10,000; 1,000 when no stream is open and no snapshot read ran for a minute). Older
   * resume points get ChangeStreamHistoryLost, older snapshots SnapshotTooOld.
   */
  changeHistorySize?: number;
  /** Secure mode: TLS, SCRAM-SHA-256 users and role checks, as mongod with `--auth` and TLS required. */
  security?: EmbeddedMongoSecurity;
}

export interface EmbeddedMongo {
  /** Connection string for the official driver: a one-member replica set, so transactions work. */
  uri: string;
  port: number;
  /** The CA file clients must trust (secure mode only). */
  caFile?: string;
  stop(): Promise<void>;
  /** Folds the journal into a snapshot now (otherwise done automatically as the journal grows). */
  compact(): Promise<void>;
}

const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));

const listen = (server: Server, target: { port: number; host: string } | { path: string }): Promise<void> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(target, () => {
      server.off('error', reject);
      resolve();
    });
  });

export const startEmbeddedMongo = async (options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> => {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host) && options.allowRemote !== true)
    throw new Error(
      `embedded-mongo: refusing to listen on non-loopback host '${host}' without allowRemote: true`,
    );
  if (!options.inMemory && !options.dbPath) throw new Error('embedded-mongo: pass dbPath, or inMemory: true');
  const storage = await Storage.open(
    options.inMemory ? null : (options.dbPath as string),
    options.compactAfterBytes,
  );
  const replSetName = options.replSetName ?? 'rs0';
  const engine = new Engine(storage, {
    replSetName,
    cursorTimeoutMs: options.cursorTimeoutMs ?? 10 * 60_000,
    transactionTimeoutMs: 60_000,
    enableTestCommands: options.enableTestCommands === true,
    ...(options.changeHistorySize === undefined ? {} : { changeHistorySize: options.changeHistorySize }),
  });
  let security: Awaited<ReturnType<typeof prepareMongoSecurity>> | null = null;
  try {
    if (options.security) security = await prepareMongoSecurity(options.security, options.dbPath ?? null);
  } catch (e) {
    await storage.close();
    throw e;
  }
  engine.guard = security?.guard ?? null;
  const sockets = new Set<Socket>();
  let connectionIds = 0;
  const servers: Server[] = [];
  const serve = (advertised: (socket: Socket) => string, plain = false): Server => {
    const accept = (socket: Socket): void => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      engine.stats.opened(socket);
      const remoteAddress = socket.remoteAddress
        ? `${socket.remoteAddress.replace(/^::ffff:/, '')}:${socket.remotePort ?? 0}`
        : 'anonymous unix socket';
      new Connection(
        socket,
        { id: ++connectionIds, localAddress: advertised(socket), remoteAddress },
        (req, conn) => runCommand(engine, req, conn),
      );
    };
    const server = security && !plain ? createTlsServer(security.tlsOptions, accept) : createServer(accept);
    servers.push(server);
    return server;
  };
  let port = options.port ?? 27017;
  const advertisedHost =
    host === 'localhost' || host === '0.0.0.0'
      ? '127.0.0.1'
      : host === '::'
        ? '[::1]'
        : host.includes(':')
          ? `[${host}]`
          : host;
  try {
    // A wildcard bind reports the address each client actually reached, so replica-set discovery matches it.
    const wildcard = host === '0.0.0.0' || host === '::';
    const bracket = (a: string): string => (a.includes(':') ? `[${a.replace(/^::ffff:/, '')}]` : a);
    const tcp = serve((socket) =>
      wildcard && socket.localAddress
        ? `${bracket(socket.localAddress.replace(/^::ffff:/, ''))}:${port}`
        : `${advertisedHost}:${port}`,
    );
    await listen(tcp, { port, host });
    const addr = tcp.address();
    if (addr && typeof addr === 'object') port = addr.port;
    if (options.socketPath) {
      const socketPath = options.socketPath;
      try {
        unlinkSync(socketPath);
      } catch {
        // no stale socket file
      }
      await listen(
        // Like mongod, the Unix socket (owner-only by default) speaks plain wire protocol; auth still applies.
        serve(() => socketPath, true),
        { path: socketPath },
      );
    }
    await ensureSystemCollections(storage, engine.txns, {
      setName: replSetName,
      host: `${advertisedHost}:${port}`,
      replicaSetId: engine.electionId,
      startedAt: new Date(),
    });
  } catch (e) {
    for (const s of servers) s.close();
    await storage.close();
    throw e;
  }
  const sweeper = setInterval(() => engine.sweep(), Math.min(60_000, engine.options.cursorTimeoutMs / 2));
  sweeper.unref();
  const ttl = setInterval(() => {
    engine.expireTtl().catch((e: unknown) => console.error('embedded-mongo: TTL pass failed', e));
  }, options.ttlMonitorMs ?? 60_000);
  ttl.unref();
  let stopped: Promise<void> | null = null;
  return {
    uri:
      `mongodb://${security?.credentials ?? ''}${advertisedHost}:${port}/?replicaSet=${encodeURIComponent(replSetName)}` +
      (security?.uriOptions ?? ''),
    port,
    ...(security ? { caFile: security.tls.caFile } : {}),
    compact: () => storage.compact(),
    stop: () =>
      (stopped ??= (async () => {
        clearInterval(sweeper);
        clearInterval(ttl);
        const closed = servers.map((s) => new Promise<void>((r) => s.close(() => r())));
        for (const s of sockets) s.destroy();
        engine.changes.close();
        await Promise.all(closed);
        engine.cursors.clear();
        await storage.close();
      })()),
  };
};
