import { Module } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { AppConfig } from '@shop/config';
import { type IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { type Options } from 'pino-http';

/** What the HTTP hooks and the auth guard put on the raw request for the log lines of that request. */
type LoggedRequest = IncomingMessage & {
  correlationId?: string;
  traceId?: string;
  /** The client's address (through the proxies TRUST_PROXY trusts), not necessarily the socket's peer. */
  clientIp?: string;
  user?: { sub: string };
};

/**
 * pino-http options: every request line carries the request id, correlation id, trace id and user (sub).
 * Request bodies, authorization headers and cookies are never logged.
 */
export function pinoHttpOptions(
  level: string,
  pretty = Boolean(process.stdout.isTTY),
): Options<LoggedRequest> {
  return {
    level,
    // Fastify already chose the id (X-Request-Id or a UUID): use the same one in the logs.
    genReqId: (req: LoggedRequest) => (typeof req.id === 'string' ? req.id : ''),
    customProps: (req: LoggedRequest) => ({
      correlationId: req.correlationId,
      traceId: req.traceId,
      userId: req.user?.sub,
      clientIp: req.clientIp,
    }),
    // Log lines outside requests (projections, jobs) still carry the trace they belong to.
    mixin: () => {
      const span = trace.getActiveSpan();
      return span ? { traceId: span.spanContext().traceId } : {};
    },
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url.split('?')[0],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.body', 'res.headers["set-cookie"]'],
      censor: '[redacted]',
    },
    autoLogging: { ignore: (req) => /^\/(health|metrics)/.test(req.url ?? '') },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { singleLine: true } } } : {}),
  };
}

/** Structured JSON logs through pino; human-readable output when a person is watching a terminal. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ pinoHttp: pinoHttpOptions(config.logLevel) }),
    }),
  ],
})
export class LoggingModule {}
