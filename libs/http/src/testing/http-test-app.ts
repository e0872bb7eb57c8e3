import { Global, Module, type Type } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { AuthModule, TokenService } from '@shop/auth';
import { AppConfig } from '@shop/config';
import { initTracing, installHttpTelemetry, Metrics, ObservabilityModule } from '@shop/observability';
import pino from 'pino';
import { configureHttp, fastifyServerOptions } from '../configure-http';
import { ApiHttpModule } from '../http.module';
import { RateLimitModule, UserRateLimitModule } from '../rate-limit';

export interface TestHttpSettings {
  perUser?: number;
  perIp?: number;
  requestTimeoutMs?: number;
  bodyLimitBytes?: number;
  corsOrigins?: string;
  metricsToken?: string;
}

export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123';

/**
 * The HTTP stack of the API (auth, rate limits, problem filter, validation, timeouts, telemetry) around
 * test-only controllers, without databases: for the cases the real routes cannot easily provoke.
 */
export async function createHttpTestApp(
  controllers: Type[],
  settings: TestHttpSettings = {},
): Promise<{
  app: NestFastifyApplication;
  token: (role: 'customer' | 'clerk' | 'admin' | 'auditor', sub: string) => Promise<string>;
}> {
  initTracing('eventshop-test');
  const config = {
    dataDir: '/nonexistent',
    jwt: { secret: TEST_JWT_SECRET, issuer: 'eventshop', audience: 'eventshop-api' },
    rateLimit: { windowMs: 60_000, perUser: settings.perUser ?? 1_000, perIp: settings.perIp ?? 1_000 },
    http: {
      requestTimeoutMs: settings.requestTimeoutMs ?? 5_000,
      bodyLimitBytes: settings.bodyLimitBytes ?? 65_536,
    },
    metrics: { token: settings.metricsToken, allowLoopback: true },
  };

  @Global()
  @Module({ providers: [{ provide: AppConfig, useValue: config }], exports: [AppConfig] })
  class TestConfigModule {}

  const moduleRef = await Test.createTestingModule({
    imports: [
      TestConfigModule,
      ObservabilityModule,
      RateLimitModule,
      AuthModule,
      UserRateLimitModule,
      ApiHttpModule,
    ],
    controllers,
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    new FastifyAdapter(
      fastifyServerOptions({
        BODY_LIMIT_BYTES: config.http.bodyLimitBytes,
        REQUEST_TIMEOUT_MS: config.http.requestTimeoutMs,
      }),
    ),
    { logger: false },
  );
  await configureHttp(app, {
    CORS_ORIGINS: settings.corsOrigins,
    REQUEST_TIMEOUT_MS: config.http.requestTimeoutMs,
  });
  installHttpTelemetry(app.getHttpAdapter().getInstance(), app.get(Metrics), pino({ level: 'silent' }));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const tokens = app.get(TokenService);
  return { app, token: (role, sub) => tokens.mintToken({ role, sub }) };
}
