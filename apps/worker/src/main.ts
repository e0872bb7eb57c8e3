import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type AddressInfo } from 'node:net';
import {
  AppConfig,
  assertExplicitProductionSettings,
  InvalidEnvironmentError,
  validateEnvironment,
} from '@shop/config';

async function main(): Promise<void> {
  // The worker exists to run the workers, whatever the API processes are told.
  process.env.RUN_WORKERS = 'true';
  assertExplicitProductionSettings(validateEnvironment(process.env), { tokens: false, payments: true });
  const { AppLogger, initTracing } = await import('@shop/observability');
  initTracing('eventshop-worker');
  const [{ NestFactory }, { Logger: NestLogger }, { FastifyAdapter }, { WorkerModule }] = await Promise.all([
    import('@nestjs/core'),
    import('@nestjs/common'),
    import('@nestjs/platform-fastify'),
    import('./worker.module'),
  ]);
  // An HTTP application only for its health and metrics endpoints: orchestrators and Prometheus need them.
  const app = await NestFactory.create<NestFastifyApplication>(
    WorkerModule,
    new FastifyAdapter({ bodyLimit: 1024 }),
    {
      bufferLogs: true,
    },
  );
  app.useLogger(app.get(AppLogger));
  app.enableShutdownHooks();
  const config = app.get(AppConfig);
  await app.listen(config.workerPort, config.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  new NestLogger('Worker').log(
    `Worker health and metrics on http://${config.host}:${port} (/health/ready, /metrics)`,
  );
}

main().catch((error: unknown) => {
  const message =
    error instanceof InvalidEnvironmentError ? error.message : `Worker failed: ${String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
