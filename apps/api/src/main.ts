import 'reflect-metadata';
import { AppConfig, InvalidEnvironmentError, validateEnvironment } from '@shop/config';

async function main(): Promise<void> {
  // Fail before anything starts, with a message that names each bad variable.
  validateEnvironment(process.env);
  const { createApp } = await import('./create-app');
  const app = await createApp();
  const config = app.get(AppConfig);
  await app.listen(config.port, config.host);
}

main().catch((error: unknown) => {
  const message =
    error instanceof InvalidEnvironmentError ? error.message : `Startup failed: ${String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
