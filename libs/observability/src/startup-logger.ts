import { Logger } from '@nestjs/common';
import pino from 'pino';

export interface StartupLogger {
  log(message: string): void;
  warn(message: string): void;
}

/**
 * The logger of the moments before the application's own exists (waiting for the databases): JSON lines like
 * every later one when nobody watches a terminal, so a log collector never sees a plain-text first line;
 * Nest's readable lines on a terminal.
 */
export function startupLogger(level: string, tty = Boolean(process.stdout.isTTY)): StartupLogger {
  if (tty) return new Logger('Startup');
  const logger = pino({ level });
  return {
    log: (message) => logger.info({ context: 'Startup' }, message),
    warn: (message) => logger.warn({ context: 'Startup' }, message),
  };
}

/** A process that cannot start says why in one line: JSON on stderr when not on a terminal. */
export function reportStartupFailure(message: string, tty = Boolean(process.stderr.isTTY)): void {
  if (tty) {
    process.stderr.write(`${message}\n`);
    return;
  }
  process.stderr.write(
    `${JSON.stringify({ level: 60, time: Date.now(), pid: process.pid, msg: message })}\n`,
  );
}
