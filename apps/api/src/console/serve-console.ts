import fastifyStatic from '@fastify/static';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type FastifyInstance, type FastifyReply } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The console's own policy, stricter than the API's (which lets Swagger UI at /docs run inline code): the
 * page loads only its bundled files from this origin and talks only to this API. Nothing from a CDN, so it
 * works with the network unplugged.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Where `npm run build` puts the console: dist/console at the repository root, from source or from dist. */
export function consoleAssetsDir(from = __dirname): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'eventshop'
    )
      return path.join(dir, 'dist', 'console');
  }
  throw new Error(`No eventshop package.json above ${from}`);
}

/**
 * Serves the built operator console at /console. The page shell holds no data (every data call carries
 * the operator's bearer token), so the assets themselves need no authentication. When the console was
 * not built, /console says so instead of a bare 404.
 */
export async function serveConsole(app: NestFastifyApplication, root = consoleAssetsDir()): Promise<void> {
  const built = existsSync(path.join(root, 'index.html'));
  await app.register(async (scope: FastifyInstance) => {
    scope.addHook('onSend', (request, reply, payload, done) => {
      void reply.header('content-security-policy', CONSOLE_CSP);
      // Hashed file names never change content; the page itself is revalidated so a deploy shows at once.
      void reply.header(
        'cache-control',
        request.url.startsWith('/console/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
      done(null, payload);
    });
    if (built) {
      await scope.register(fastifyStatic, { root, prefix: '/console/', index: 'index.html' });
      scope.get('/console', (_request, reply) => reply.redirect('/console/', 301));
      return;
    }
    const notBuilt = (_request: unknown, reply: FastifyReply) =>
      reply.code(503).type('application/problem+json').send({
        type: 'about:blank',
        title: 'Console not built',
        status: 503,
        detail: 'The operator console has not been built: run `npm run build`.',
      });
    scope.get('/console', notBuilt);
    scope.get('/console/*', notBuilt);
  });
}
