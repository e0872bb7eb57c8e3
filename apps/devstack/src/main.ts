import { InvalidEnvironmentError, validateEnvironment } from '@shop/config';
import { connectOrStartEmbedded } from '@shop/embedded-stack';
import * as path from 'node:path';

/**
 * The embedded EventStoreDB- and MongoDB-compatible servers on their usual ports, for local tools
 * (EventStoreDB clients, mongosh, Compass) and for an API or CLI started with the same DATA_DIR.
 */
async function main(): Promise<void> {
  const env = validateEnvironment(process.env);
  const dataDir = path.resolve(env.DATA_DIR);
  const stack = await connectOrStartEmbedded({
    dataDir,
    eventStorePort: Number(process.env.DEVSTACK_EVENTSTORE_PORT ?? 2113),
    mongoPort: Number(process.env.DEVSTACK_MONGO_PORT ?? 27017),
    reuse: false,
    enableTestCommands: true,
    secure: env.EMBEDDED_SECURE,
    // As the usual development node (--run-projections=All --start-standard-projections): $ce- etc. exist.
    systemProjections: env.EMBEDDED_SYSTEM_PROJECTIONS ?? true,
    mongoDatabase: env.MONGO_DB,
  });
  process.stdout.write(
    `devstack running (data in ${dataDir})\n` +
      `  EVENTSTORE_URL=${stack.eventStoreUrl}\n` +
      `  MONGO_URL=${stack.mongoUrl}\n` +
      'Ctrl-C to stop.\n',
  );
  const shutdown = (signal: string) => {
    process.stdout.write(`devstack stopping on ${signal}\n`);
    stack.stop().then(
      () => process.exit(0),
      (error: unknown) => fail(error),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

function fail(error: unknown): never {
  const message =
    error instanceof InvalidEnvironmentError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`devstack: ${message}\n`);
  process.exit(1);
}

main().catch(fail);
