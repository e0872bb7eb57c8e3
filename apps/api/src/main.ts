import 'reflect-metadata';
import { type AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { AppConfig, InvalidEnvironmentError, validateEnvironment } from '@shop/config';
import { reportStartupFailure } from '@shop/observability';

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
