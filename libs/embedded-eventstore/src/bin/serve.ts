/*
 * Runs the embedded server as its own process (benchmarks; anything that wants the store out of its own
 * event loop). Prints one JSON line {url, port, startupMs} once listening; SIGTERM/SIGINT stop it cleanly.
 * Usage: serve [--data-dir DIR | --in-memory] [--host H] [--port P] [--allow-remote] [--secure]
 * (--secure: TLS + users + ACLs, certificates generated into DIR/tls; needs --data-dir)
 */
import { startEmbeddedEventStore } from '../server';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const main = async (): Promise<void> => {
  const started = performance.now();
  const dataDir = arg('--data-dir');
  const server = await startEmbeddedEventStore({
    ...(dataDir ? { dataDir } : { inMemory: true }),
    host: arg('--host') ?? '127.0.0.1',
    port: Number(arg('--port') ?? 0),
    allowRemote: process.argv.includes('--allow-remote'),
    ...(process.argv.includes('--secure') ? { security: {} } : {}),
  });
  const startupMs = performance.now() - started;
  process.stdout.write(`${JSON.stringify({ url: server.url, port: server.port, startupMs })}\n`);
  const stop = (): void => {
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
