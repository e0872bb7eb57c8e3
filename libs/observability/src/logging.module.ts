import { Global, Injectable, type LoggerService, Module } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { AppConfig } from '@shop/config';
import pino, { type Logger as Pino, type LoggerOptions } from 'pino';

/**
 * Options of the one pino logger of a process: log lines outside requests (projections, jobs) carry the
 * trace they belong to; authorization headers, cookies and bodies are redacted should anything ever log
 * them; human-readable output when a person is watching a terminal.
 */
export function loggerOptions(level: string, pretty = Boolean(process.stdout.isTTY)): LoggerOptions {
  return {
    level,
    mixin: () => {
      const span = trace.getActiveSpan();
      return span ? { traceId: span.spanContext().traceId } : {};
    },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.body', 'res.headers["set-cookie"]'],
      censor: '[redacted]',
    },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { singleLine: true } } } : {}),
  };
}

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Nest's LoggerService on pino: `new Logger('Ctx').log(msg)` becomes `{"context":"Ctx","msg":...}`; an
 * object first argument is merged into the line, an Error goes to `err`. (Request lines are written by the
 * HTTP telemetry hooks, one per request, see request-log.ts.)
 */
@Injectable()
export class AppLogger implements LoggerService {
  constructor(readonly pino: Pino) {}

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    // Nest passes the logger's context as the last argument.
    const fields: Record<string, unknown> = params.length > 0 ? { context: params[params.length - 1] } : {};
    const rest = params.slice(0, -1);
    if (message instanceof Error) {
      this.pino[level]({ ...fields, err: message }, ...(rest as []));
    } else if (typeof message === 'object' && message !== null) {
      this.pino[level]({ ...fields, ...message }, ...(rest as []));
    } else if (level === 'error' && typeof rest[0] === 'string' && rest.length === 1) {
      // Nest's own exception handlers call error(message, stack, context).
      const err = new Error(String(message));
      err.stack = rest[0];
      this.pino[level]({ ...fields, err });
    } else {
      this.pino[level](fields, String(message), ...(rest as []));
    }
  }
}

/** Structured JSON logs through one pino logger (AppLogger for Nest, the pino instance for request lines). */
@Global()
@Module({
  providers: [
    {
      provide: AppLogger,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new AppLogger(pino(loggerOptions(config.logLevel))),
    },
  ],
  exports: [AppLogger],
})
export class LoggingModule {}
