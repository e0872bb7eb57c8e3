import { processAlive, reachable, readDiscovery } from './discovery';
import { type Stack } from './embedded-stack';

/** Ports of the servers to take over, so the clients already connected to them reconnect unchanged. */
export interface TakeoverPorts {
  eventStorePort?: number;
  mongoPort?: number;
}

export interface AttachOptions {
  dataDir: string;
  /** The URLs this process's clients use: the owner's servers, or configured external ones. */
  eventStoreUrl: string;
  mongoUrl: string;
  /** Which of them are the owner's embedded servers (the others are external: never taken over). */
  attached: { eventStore: boolean; mongo: boolean };
  /** Starts the embedded servers on the data directory here, on the given ports. */
  start(ports: TakeoverPorts): Promise<Stack>;
  log?(message: string): void;
  intervalMs?: number;
}

/** Unreachable probes in a row before the servers of a live-looking owner count as gone (a hung owner). */
const UNREACHABLE_PROBES = 3;

const portOf = (url: string): number => Number(new URL(url.replace(/^(esdb|mongodb)(\+\w+)?:/, 'tcp:')).port);

/**
 * A process using another process's embedded servers (a second API, a worker or the CLI on the same
 * DATA_DIR) keeps watching their owner. When the owner is gone (its pid no longer runs, or its servers stop
 * answering), this process takes the data directory over: it starts the servers itself, on the same ports,
 * so its clients reconnect to them as they were, and publishes them. Nothing is lost: the servers' data is
 * durable under DATA_DIR, and their lock files let exactly one of several watchers win; the others keep
 * watching the winner.
 */
export function attachSupervised(options: AttachOptions): Stack {
  const started = { eventStore: false, mongo: false };
  let owned: Stack | undefined;
  let unreachable = 0;
  let lastError = '';
  let busy: Promise<void> | undefined;
  const { attached } = options;

  const tick = async () => {
    const record = await readDiscovery(options.dataDir);
    const ownerAlive = record !== null && record.pid !== process.pid && processAlive(record.pid);
    if (ownerAlive) {
      const probes = await Promise.all([
        attached.eventStore ? reachable(options.eventStoreUrl) : true,
        attached.mongo ? reachable(options.mongoUrl) : true,
      ]);
      unreachable = probes.every(Boolean) ? 0 : unreachable + 1;
      if (unreachable < UNREACHABLE_PROBES) return;
    }
    try {
      owned = await options.start({
        ...(attached.eventStore ? { eventStorePort: portOf(options.eventStoreUrl) } : {}),
        ...(attached.mongo ? { mongoPort: portOf(options.mongoUrl) } : {}),
      });
      Object.assign(started, owned.started);
      clearInterval(timer);
      options.log?.(
        `took over ${options.dataDir} from process ${record?.pid ?? '(unknown)'}, which stopped: ` +
          'its embedded servers now run in this process',
      );
    } catch (error) {
      // Another watcher won (the lock is held) or the port is taken: keep watching.
      const message = error instanceof Error ? error.message : String(error);
      if (message !== lastError) options.log?.(`could not take over ${options.dataDir} yet: ${message}`);
      lastError = message;
    }
  };

  const timer = setInterval(() => {
    busy ??= tick()
      .catch(() => undefined)
      .finally(() => (busy = undefined));
  }, options.intervalMs ?? 1_000);
  timer.unref();

  return {
    eventStoreUrl: options.eventStoreUrl,
    mongoUrl: options.mongoUrl,
    started,
    stop: async () => {
      clearInterval(timer);
      await busy;
      await owned?.stop();
    },
  };
}
