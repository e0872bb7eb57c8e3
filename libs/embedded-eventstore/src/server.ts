import { randomUUID } from 'node:crypto';
import { Server } from '@grpc/grpc-js';
import {
  GossipService,
  PersistentSubscriptionsService,
  ProjectionsService,
  ServerFeaturesService,
} from './protocol/generated';
import { GroupRegistry } from './persistent/registry';
import { projectionsService } from './projections/management-service';
import type { SystemProjectionsSettings } from './projections/system-projections';
import { DEFAULT_SYSTEM_PROJECTIONS, SystemProjections } from './projections/system-projections';
import { persistentSubscriptionsService } from './persistent/service';
import { streamsServiceDefinition } from './protocol/streams-service';
import { CallTracker, closeGracefully } from './services/call-tracker';
import { gossipHandler } from './services/gossip';
import { httpApi } from './services/http-api';
import { type SharedPort, listenShared } from './services/shared-port';
import {
  CLASSIC_SERVER_VERSION,
  CLASSIC_STREAMS_METHODS,
  STREAMS_METHODS,
  serverFeaturesHandler,
} from './services/server-features';
import { EventStore } from './store/event-store';
import { writeNodeStartEvents } from './store/node-start';
import { MemoryLog } from './storage/event-log';
import { acquireLock } from './storage/lock-file';
import type { RecoveryReport } from './storage/recovery';
import { openSegmentLog } from './storage/recovery';
import { appendHandler } from './streams/append';
import { batchAppendHandler } from './streams/batch-append';
import { deleteHandler, tombstoneHandler } from './streams/delete';
import { readHandler } from './streams/read';
import { appendRecordsHandler } from './streams/append-records';
import { appendSessionHandler } from './streams/append-session';
import { V2StreamsService } from './streams/v2-protocol';
import { writeSettingsOf } from './streams/write-settings';
import type { EmbeddedEventStoreSecurity, PreparedSecurity } from './security/setup';
import { prepareSecurity } from './security/setup';
import { writeUserStreams } from './security/user-streams';

export interface EmbeddedEventStoreOptions {
  /** Directory for the durable log. Required unless `inMemory` is set. */
  dataDir?: string;
  /** Keep everything in memory (tests): nothing is written to disk. */
  inMemory?: boolean;
  /** Interface to bind; default 127.0.0.1. Anything but loopback needs `allowRemote: true`. */
  host?: string;
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  allowRemote?: boolean;
  /** Log segment size in bytes (tests use small segments to exercise rolling). */
  segmentSize?: number;
  /** Bytes per append, counted as 24.10 counts them (event data only); default 1 MiB, like MaxAppendSize. */
  maxAppendSize?: number;
  /** A write not durable within this answers "Operation timed out" (BatchAppend: Timeout); default 2000. */
  commitTimeoutMs?: number;
  /** BatchAppend: cap on the request deadline, counted from its first chunk; default 2000 (WriteTimeoutMs). */
  writeTimeoutMs?: number;
  /**
   * Run the four standard system projections ($streams, $stream_by_category, $by_category,
   * $by_event_type) as a real node with `RunProjections=System` and standard projections started. Off
   * by default, like a real node. `categoryBy`/`separator`: `$by_category`'s source (default first, '-').
   */
  systemProjections?: boolean | Partial<SystemProjectionsSettings>;
  /** Secure mode: TLS, users and stream ACLs, as a real node. Default: insecure, like `--insecure`. */
  security?: EmbeddedEventStoreSecurity;
  /**
   * false: serve as a 24.10 node, with the classic protocol only: no kurrentdb.protocol.v2 streams service
   * (AppendSession and AppendRecords answer UNIMPLEMENTED, as there), not advertised, version 24.10.0. For
   * testing clients' fallbacks; default true.
   */
  newerProtocol?: boolean;
}

export interface EmbeddedEventStore {
  /** Connection string for `EventStoreDBClient.connectionString`. */
  url: string;
  port: number;
  /** What start-up recovery found (null in memory): worth a log line, e.g. a truncated torn tail. */
  recovery: RecoveryReport | null;
  /** The CA file clients must trust (secure mode only). */
  caFile?: string;
  stop(): Promise<void>;
}

const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

export const startEmbeddedEventStore = async (
  options: EmbeddedEventStoreOptions = {},
): Promise<EmbeddedEventStore> => {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host) && !options.allowRemote) {
    throw new Error(
      `embedded-eventstore: refusing to bind ${host}: it has no authentication or TLS, so only loopback is ` +
        'allowed unless you pass allowRemote: true',
    );
  }
  if (!options.inMemory && !options.dataDir) {
    throw new Error('embedded-eventstore: pass dataDir for a durable store or inMemory: true');
  }
  const writeSettings = writeSettingsOf({
    ...(options.maxAppendSize !== undefined ? { maxAppendSize: options.maxAppendSize } : {}),
    ...(options.commitTimeoutMs !== undefined ? { commitTimeoutMs: options.commitTimeoutMs } : {}),
    ...(options.writeTimeoutMs !== undefined ? { writeTimeoutMs: options.writeTimeoutMs } : {}),
  });
  let security: PreparedSecurity | null = null;
  if (options.security) security = await prepareSecurity(options.security, options.dataDir);
  const releaseLock = options.inMemory ? () => undefined : acquireLock(options.dataDir!);
  const instanceId = randomUUID();
  let store: EventStore;
  let recovery: RecoveryReport | null = null;
  try {
    if (options.inMemory) store = new EventStore(new MemoryLog());
    else {
      const { log, records, report } = await openSegmentLog(options.dataDir!, options.segmentSize);
      store = EventStore.recover(log, records);
      recovery = report;
    }
    await writeNodeStartEvents(store, instanceId);
    if (security) await writeUserStreams(store, security.users);
  } catch (error) {
    releaseLock();
    throw error;
  }

  const server = new Server({
    'grpc.max_receive_message_length': 32 * 1024 * 1024,
    'grpc.max_send_message_length': 32 * 1024 * 1024,
    ...(security ? { interceptors: security.interceptors(store) } : {}),
  });
  let boundPort = 0;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const calls = new CallTracker();
  const streams = streamsServiceDefinition();
  const streamsImpl = {
    read: readHandler(store),
    append: appendHandler(store, writeSettings),
    batchAppend: batchAppendHandler(store, writeSettings),
    delete: deleteHandler(store),
    tombstone: tombstoneHandler(store),
  };
  server.addService(streams, calls.wrap(streams, streamsImpl, ['batchAppend']));
  const newerProtocol = options.newerProtocol ?? true;
  if (newerProtocol) {
    server.addService(
      V2StreamsService,
      calls.wrap(V2StreamsService, {
        appendSession: appendSessionHandler(store, writeSettings),
        appendRecords: appendRecordsHandler(store, writeSettings),
      }),
    );
  }
  const groups = new GroupRegistry(store);
  const projections = options.systemProjections
    ? new SystemProjections(store, {
        ...DEFAULT_SYSTEM_PROJECTIONS,
        ...(typeof options.systemProjections === 'object' ? options.systemProjections : {}),
      })
    : null;
  if (projections) {
    server.addService(ProjectionsService, calls.wrap(ProjectionsService, projectionsService(projections)));
  }
  server.addService(
    PersistentSubscriptionsService,
    calls.wrap(PersistentSubscriptionsService, persistentSubscriptionsService(groups)),
  );
  server.addService(ServerFeaturesService, {
    getSupportedMethods: newerProtocol
      ? serverFeaturesHandler(STREAMS_METHODS)
      : serverFeaturesHandler(CLASSIC_STREAMS_METHODS, CLASSIC_SERVER_VERSION),
  });
  server.addService(GossipService, {
    read: gossipHandler(instanceId, () => ({ address: urlHost, port: boundPort })),
  });

  let shared: SharedPort | null = null;
  try {
    // As a real node on 2113: gRPC and the HTTP API share the port (under TLS when secure, chosen by ALPN).
    const api = httpApi({
      groups,
      isStopping: () => calls.isStopping,
      ...(security ? { users: security.registry } : {}),
    });
    shared = await listenShared(server, api, host, options.port ?? 0, security?.material);
    boundPort = shared.port;
  } catch (error) {
    server.forceShutdown();
    projections?.close();
    groups.close();
    await store.close();
    releaseLock();
    throw new Error(
      `embedded-eventstore: cannot listen on ${host}:${options.port ?? 0}: ${(error as Error).message}`,
    );
  }

  let stopping: Promise<void> | null = null;
  return {
    url: security
      ? security.url(urlHost.includes(':') ? `[${urlHost}]` : urlHost, boundPort)
      : `esdb://${urlHost.includes(':') ? `[${urlHost}]` : urlHost}:${boundPort}?tls=false`,
    port: boundPort,
    recovery,
    ...(security ? { caFile: security.tls.caFile } : {}),
    stop: () =>
      (stopping ??= (async () => {
        // As a real node: writes in progress fail UNAVAILABLE, streaming reads are cancelled, then the
        // (now idle) server closes; long-lived calls would otherwise keep a graceful shutdown waiting.
        calls.stop();
        await closeGracefully(server);
        await shared?.close();
        projections?.close();
        groups.close();
        await store.close();
        releaseLock();
      })()),
  };
};
