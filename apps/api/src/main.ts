import 'reflect-metadata';
import { type AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { Logger } from '@nestjs/common';
import { AppConfig, InvalidEnvironmentError, validateEnvironment } from '@shop/config';
import { reportStartupFailure } from '@shop/observability';

// Under load most objects the API allocates outlive a scavenge and die in old space; by default V8 lets old
// space grow to about four times what survived the last full collection before collecting again (~70 MB
// live, ~300 MB heap, pages kept pooled). Growing it by half instead keeps the process near its live size.
// Read by V8 each time it sets the next limit, so setting it here, before the app is built, is enough.
setFlagsFromString('--heap-growing-percent=50');

async function main(): Promise<void> {
  // Fail before anything starts, with a message that names each bad variable.
  validateEnvironment(process.env);
  const { createApp } = await import('./create-app');
  const app = await createApp();
  const config = app.get(AppConfig);
  await app.listen(config.port, config.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  new Logger('Api').log(`API listening on http://${config.host}:${port} (OpenAPI UI at /docs)`);
}

main().catch((error: unknown) => {
  const message =
    error instanceof InvalidEnvironmentError ? error.message : `Startup failed: ${String(error)}`;
  reportStartupFailure(message);
  process.exit(1);
});
