import { context, propagation, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import { type FastifyInstance, type FastifyRequest } from 'fastify';
import { type Logger as Pino } from 'pino';
import { type Metrics } from './metrics';
import { logRequest } from './request-log';
import { traceparentOfSpan, tracer } from './tracing';

const SPAN = Symbol('otel.span');
type WithSpan = { [SPAN]?: Span };

/** The server span of an HTTP request (continuing the caller's `traceparent` header, if any). */
export const requestSpan = (request: object): Span | undefined => (request as WithSpan)[SPAN];

/** traceparent of the request's span, else of the active span. */
export const traceparentOf = (request: object): string | undefined =>
  traceparentOfSpan(requestSpan(request) ?? trace.getActiveSpan());

/**
 * One server span, one latency observation and one log line per request, named by the route template
 * (`/v1/orders/:id`, never the raw URL) and status, in one Fastify hook pair rather than Express middleware
 * or monkey-patched `http`, so it works the same under jest, `app.inject` and a real listener.
 */
export function installHttpTelemetry(fastify: FastifyInstance, metrics: Metrics, logger: Pino): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const parent = propagation.extract(context.active(), request.headers);
    const span = tracer().startSpan(
      `${request.method}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: request.method,
          [ATTR_URL_PATH]: request.url.split('?')[0] ?? '',
          'http.request.id': String(request.id),
        },
      },
      parent,
    );
    (request as WithSpan)[SPAN] = span;
    done();
  });

  // The request's span is the active one while guards, pipes and the handler run, so the command, the append
  // and `currentTraceparent()` are its children. Activated here, after the body has been read: the async
  // context of onRequest does not reliably reach the handler.
  fastify.addHook('preHandler', (request, _reply, done) => {
    const span = requestSpan(request);
    if (!span) return done();
    context.with(trace.setSpan(context.active(), span), done);
  });

  fastify.addHook('onResponse', (request, reply, done) => {
    const route = routeOf(request);
    const elapsedMs = reply.elapsedTime;
    metrics.observeHttp(request.method, route, reply.statusCode, elapsedMs / 1000);
    const span = requestSpan(request);
    logRequest(logger, request, reply.statusCode, elapsedMs, span?.spanContext().traceId);
    if (span) {
      span.updateName(`${request.method} ${route}`);
      span.setAttribute(ATTR_HTTP_ROUTE, route);
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });

  fastify.addHook('onRequestAbort', (request, done) => {
    const span = requestSpan(request);
    logRequest(logger, request, undefined, 0, span?.spanContext().traceId, 'aborted');
    span?.end();
    done();
  });
}

const routeOf = (request: FastifyRequest): string => request.routeOptions?.url ?? 'unmatched';
