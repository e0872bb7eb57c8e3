import cors from '@fastify/cors';
import helmet from 'helmet';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type Environment, parseTrustProxy } from '@shop/config';
import { type FastifyServerOptions } from 'fastify';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import {
  callerCorrelationIdOf,
  CORRELATION_ID_HEADER,
  correlationIdOfRequest,
  REQUEST_ID_HEADER,
  requestIdOf,
} from './request-ids';
import { installRequestTimeout } from './request-timeout';
import './fastify-types';

/** Seconds a client may take to send a whole request beyond the handler's own time limit. */
const RECEIVE_GRACE_MS = 5_000;

/** Options of the Fastify server itself: body size limit, socket timeouts, request ids. */
export function fastifyServerOptions(
  env: Pick<Environment, 'BODY_LIMIT_BYTES' | 'REQUEST_TIMEOUT_MS'> &
    Partial<Pick<Environment, 'TRUST_PROXY'>>,
): FastifyServerOptions {
  return {
    bodyLimit: env.BODY_LIMIT_BYTES,
    // Slow-loris protection: a request must arrive in full in time, an idle socket is closed.
    requestTimeout: env.REQUEST_TIMEOUT_MS + RECEIVE_GRACE_MS,
    connectionTimeout: env.REQUEST_TIMEOUT_MS + 2 * RECEIVE_GRACE_MS,
    keepAliveTimeout: 5_000,
    genReqId: requestIdOf,
    // Path parameters carry opaque customer ids (token subjects, up to 255 characters, each of which may be
    // percent-encoded); find-my-way's default of 100 would answer 414 before validation could say why.
    routerOptions: { maxParamLength: 3 * 255 },
    // X-Forwarded-For/-Proto/-Host are believed only from the proxies TRUST_PROXY names (none by default):
    // request.ip, which rate limits and logs use, is then the client's address, not the proxy's.
    trustProxy: parseTrustProxy(env.TRUST_PROXY) ?? false,
    return503OnClosing: true,
  };
}

/**
 * Server-level hardening and request identity, registered before the app initialises: helmet headers,
 * CORS from config, X-Request-Id / X-Correlation-Id echoed on every response, the handler timeout. (Errors Fastify raises before
 * a handler runs, e.g. body too large or malformed JSON, reach the problem filter through Nest's error
 * handler.)
 */
export async function configureHttp(
  app: NestFastifyApplication,
  env: Pick<Environment, 'CORS_ORIGINS' | 'REQUEST_TIMEOUT_MS'>,
): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  installRequestTimeout(fastify, env.REQUEST_TIMEOUT_MS);
  fastify.decorateRequest('correlationId', '');
  fastify.decorateRequest('callerCorrelationId', undefined);
  // The guards run inside the route handler, so who the caller is is known only when the reply is sent.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header(CORRELATION_ID_HEADER, correlationIdOfRequest(request));
    done(null, payload);
  });

  // helmet's headers do not depend on the request (no CSP nonces): computed once, by running helmet against a
  // response at startup, and set on every reply from a Fastify hook instead of running the middleware per
  // request (@fastify/helmet would also rebuild it and re-parse the CSP per request).
  const securityHeaders = helmetHeaders();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(securityHeaders);
    if (request.protocol === 'https') {
      void reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    }
    request.callerCorrelationId = callerCorrelationIdOf(request.raw);
    request.correlationId = String(request.id);
    void reply.header(REQUEST_ID_HEADER, request.correlationId);
    void reply.header(CORRELATION_ID_HEADER, request.correlationId);
    done();
  });
  const origins = env.CORS_ORIGINS?.split(',') ?? [];
  await app.register(cors, {
    origin: origins.includes('*') ? true : origins.length > 0 ? origins : false,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: [
      'Authorization',
      'Content-Type',
      'If-Match',
      'If-None-Match',
      'Idempotency-Key',
      'X-Request-Id',
      'X-Correlation-Id',
    ],
    exposedHeaders: [
      'ETag',
      'Location',
      'Retry-After',
      'X-Commit-Position',
      'X-Request-Id',
      'X-Correlation-Id',
    ],
    maxAge: 600,
  });
}

/**
 * The headers helmet sets on a response, with this API's policy: the API serves JSON; Swagger UI at /docs
 * needs its inline scripts and styles. No upgrade-insecure-requests: over plain HTTP on any host but
 * localhost the browser would upgrade the page's own scripts to https and show a blank page. HSTS only on
 * requests that came over https (see the hook).
 */
export function helmetHeaders(): Record<string, string> {
  const middleware = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
        upgradeInsecureRequests: null,
      },
    },
    strictTransportSecurity: false,
  });
  const request = new IncomingMessage(new Socket());
  const response = new ServerResponse(request);
  let failure: unknown;
  middleware(request, response, (error?: unknown) => (failure = error));
  if (failure !== undefined) throw new Error('helmet refused its configuration', { cause: failure });
  return Object.fromEntries(
    Object.entries(response.getHeaders()).map(([name, value]) => [name, String(value)]),
  );
}
