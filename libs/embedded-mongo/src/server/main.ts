// Runs the server as its own process (used by the benchmark; handy for poking at it with mongosh):
//   node -r @swc-node/register libs/embedded-mongo/src/server/main.ts [--dbPath DIR | --inMemory] [--port N]
//   [--enableTestCommands] (configureFailPoint; never in production)
// Prints one JSON line {uri, port} once listening; stops cleanly on SIGINT/SIGTERM.
import { startEmbeddedMongo } from './start';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const main = async (): Promise<void> => {
  const dbPath = arg('dbPath');
  const server = await startEmbeddedMongo({
    ...(dbPath ? { dbPath } : { inMemory: true }),
    port: Number(arg('port') ?? 27017),
    host: arg('host') ?? '127.0.0.1',
    enableTestCommands: process.argv.includes('--enableTestCommands'),
  });
  process.stdout.write(JSON.stringify({ uri: server.uri, port: server.port }) + '\n');
  const stop = (): void => {
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
};

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
