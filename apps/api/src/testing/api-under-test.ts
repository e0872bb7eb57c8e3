import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type Role, type TokenService } from '@shop/auth';
import { type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

export interface RouteInfo {
  method: string;
  url: string;
}

export interface ApiUnderTest {
  app: NestFastifyApplication;
  /** Every route Nest registered (captured from Fastify's onRoute hook while the app initialised). */
  routes: RouteInfo[];
  tokens: TokenService;
  /** A token for `role` (a fresh subject unless given, so per-user rate limits never interfere). */
  token(role: Role, sub?: string): Promise<string>;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * The real application (createApp) on a fresh DATA_DIR with embedded servers, initialised but not
 * listening unless asked. `env` is applied before the app module is loaded: configuration is read then.
 */
export async function startApiUnderTest(
  env: Record<string, string> = {},
  options: { listen?: boolean; beforeInit?: (fastify: FastifyInstance) => void } = {},
): Promise<ApiUnderTest> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'api-test-'));
  Object.assign(process.env, { DATA_DIR: dataDir, ...env });
  // Loaded only now: @shop/config reads the environment when its module is first imported.
  const { createApp } = await import('../create-app');
  const { TokenService } = await import('@shop/auth');
  const app = await createApp();
  const routes: RouteInfo[] = [];
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) routes.push({ method, url: route.url });
    });
  options.beforeInit?.(app.getHttpAdapter().getInstance());
  if (options.listen) await app.listen(0, '127.0.0.1');
  else {
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  }
  const tokens = app.get(TokenService);
  return {
    app,
    routes,
    tokens,
    dataDir,
    token: (role, sub = randomUUID()) => tokens.mintToken({ role, sub, ttl: 600 }),
    close: async () => {
      await app.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A concrete URL for a route template: every `:param` becomes a well-formed UUID. */
export const concreteUrl = (template: string): string =>
  template.replace(/:[A-Za-z0-9_]+/g, '00000000-0000-4000-8000-000000000000');
