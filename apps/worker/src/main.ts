import 'reflect-metadata';
import { assertExplicitProductionSettings, InvalidEnvironmentError, validateEnvironment } from '@shop/config';

async function main(): Promise<void> {
  // The worker exists to run the workers, whatever the API processes are told.
  process.env.RUN_WORKERS = 'true';
  assertExplicitProductionSettings(validateEnvironment(process.env), { tokens: false, payments: true });
  const { initTracing } = await import('@shop/observability');
  initTracing('eventshop-worker');
  const [{ NestFactory }, { Logger }, { WorkerModule }] = await Promise.all([
    import('@nestjs/core'),
    import('nestjs-pino'),
    import('./worker.module'),
  ]);
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
}

main().catch((error: unknown) => {
  const message =
    error instanceof InvalidEnvironmentError ? error.message : `Worker failed: ${String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
