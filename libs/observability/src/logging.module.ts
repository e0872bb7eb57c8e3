import { Module } from '@nestjs/common';
import { AppConfig } from '@shop/config';
import { LoggerModule } from 'nestjs-pino';

/**
 * Structured JSON logs through pino; human-readable output when a person is watching a terminal.
 * Request bodies and authorization headers are never logged.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.logLevel,
          redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
          autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
          ...(process.stdout.isTTY
            ? { transport: { target: 'pino-pretty', options: { singleLine: true } } }
            : {}),
        },
      }),
    }),
  ],
})
export class LoggingModule {}
