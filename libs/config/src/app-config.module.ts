import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AppConfig } from './app-config';
import { validateEnvironment } from './environment';

/** Loads and validates the environment once; a bad variable fails the bootstrap before anything listens. */
@Global()
@Module({
  imports: [
    // Values only from the validated environment: a variable set but empty (compose's `${X:-}`) means unset,
    // never the raw '' that ConfigService would otherwise fall back to.
    ConfigModule.forRoot({
      isGlobal: true,
      cache: true,
      ignoreEnvFile: true,
      skipProcessEnv: true,
      validate: validateEnvironment,
    }),
  ],
  providers: [AppConfig],
  exports: [AppConfig],
})
export class AppConfigModule {}
