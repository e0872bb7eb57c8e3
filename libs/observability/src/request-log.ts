import { type Logger as Pino } from 'pino';

/** What a request log line needs to know about the request once its reply has been sent. */
export interface LoggedRequest {
  readonly id: unknown;
  readonly method: string;
  readonly url: string;
  readonly ip: string;
  readonly correlationId?: string;
  /** The X-Correlation-Id the caller sent, logged when it was not adopted. */
  readonly callerCorrelationId?: string | undefined;
  readonly user?: { readonly sub: string };
}

/** Probes and scrapes would drown the request lines. */
const UNLOGGED = /^\/(health|metrics)/;

/**
 * The one log line of a request: request id, correlation id, trace id, user (sub), client address, method,
 * path (never the query string), status and time taken. Never headers, cookies or the body. Info level
 * whatever the outcome (the message says it: completed, errored for 5xx, aborted), as pino-http logged it.
 */
export function logRequest(
  logger: Pino,
  request: LoggedRequest,
  statusCode: number | undefined,
  responseTimeMs: number,
  traceId: string | undefined,
  outcome: 'completed' | 'aborted' = 'completed',
): void {
  if (UNLOGGED.test(request.url)) return;
  const failed = statusCode !== undefined && statusCode >= 500;
  if (!logger.isLevelEnabled('info')) return;
  const queryAt = request.url.indexOf('?');
  logger.info(
    {
      correlationId: request.correlationId,
      ...(request.callerCorrelationId && request.callerCorrelationId !== request.correlationId
        ? { callerCorrelationId: request.callerCorrelationId }
        : {}),
      traceId,
      userId: request.user?.sub,
      clientIp: request.ip,
      req: {
        id: request.id,
        method: request.method,
        url: queryAt === -1 ? request.url : request.url.slice(0, queryAt),
      },
      ...(statusCode !== undefined ? { res: { statusCode } } : {}),
      responseTime: Math.round(responseTimeMs),
    },
    outcome === 'aborted' ? 'request aborted' : failed ? 'request errored' : 'request completed',
  );
}
