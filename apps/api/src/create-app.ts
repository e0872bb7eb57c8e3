import { VersioningType } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { assertExplicitProductionSettings, validateEnvironment } from '@shop/config';
import {
  configureHttp,
  fastifyServerOptions,
  installConditionalGet,
  ProblemFastifyAdapter,
} from '@shop/http';
import {
  AppLogger,
  eventStoreProbe,
  initTracing,
  installHttpTelemetry,
  Metrics,
  mongoProbe,
  startupLogger,
  waitForDependencies,
} from '@shop/observability';
import { AppModule } from './app.module';
import { serveConsole } from './console/serve-console';
import { setUpApiDocs } from './docs/open-api';

/** Builds the HTTP application without listening, so tests and main share one composition. */
export async function createApp(): Promise<NestFastifyApplication> {
  const env = validateEnvironment(process.env);
  assertExplicitProductionSettings(env, { tokens: true, payments: env.RUN_WORKERS });
  initTracing('eventshop-api');
  // External servers may still be starting (compose, k8s): wait for them with backoff instead of crashing.
  // Embedded ones are started in-process by the StackModule.
  await waitForDependencies(
    [
      ...(env.EVENTSTORE_URL ? [{ name: 'EventStoreDB', probe: eventStoreProbe(env.EVENTSTORE_URL) }] : []),
      ...(env.MONGO_URL ? [{ name: 'MongoDB', probe: mongoProbe(env.MONGO_URL) }] : []),
    ],
    env.STARTUP_TIMEOUT_MS,
    startupLogger(env.LOG_LEVEL),
  );
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule,
    new ProblemFastifyAdapter(fastifyServerOptions(env)),
    // JSON only (Fastify's own parser): a form or text/plain body is 415, never parsed and then half-validated.
    { bufferLogs: true, bodyParser: false },
  );
  const logger = app.get(AppLogger);
  app.useLogger(logger);
  await configureHttp(app, env);
  installConditionalGet(app.getHttpAdapter().getInstance());
  app.getHttpAdapter().getInstance().removeContentTypeParser('text/plain');
  installHttpTelemetry(app.getHttpAdapter().getInstance(), app.get(Metrics), logger.pino);
  app.enableShutdownHooks();
  app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });

  setUpApiDocs(app);
  await serveConsole(app);
  return app;
}
