import { Global, Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AppConfig } from '@shop/config';
import { JwtAuthGuard } from './jwt-auth.guard';
import { loadOrCreateJwtSecret } from './jwt-secret';
import { TokenService } from './token.service';

/** Builds the token service from configuration; with nothing configured, the embedded secret in DATA_DIR. */
export async function tokenServiceFromConfig(config: AppConfig): Promise<TokenService> {
  const jwt = config.jwt;
  const external = jwt.secret ?? jwt.publicKey ?? jwt.jwksUrl;
  const secret = external === undefined ? await loadOrCreateJwtSecret(config.dataDir) : jwt.secret;
  if (external === undefined) {
    new Logger('Auth').log('No JWT issuer configured: using the embedded secret (mint tokens with the CLI)');
  }
  return TokenService.create({ ...jwt, secret });
}

/**
 * Authentication and authorisation for the HTTP app: the global JwtAuthGuard and the TokenService (also
 * used by the CLI to mint tokens). Import it before rate limiting so limits can count per user.
 */
@Global()
@Module({
  providers: [
    { provide: TokenService, inject: [AppConfig], useFactory: tokenServiceFromConfig },
    JwtAuthGuard,
    { provide: APP_GUARD, useExisting: JwtAuthGuard },
  ],
  exports: [TokenService],
})
export class AuthModule {}

/** Only the TokenService (for the CLI's `auth token`): no guard. */
@Module({
  providers: [{ provide: TokenService, inject: [AppConfig], useFactory: tokenServiceFromConfig }],
  exports: [TokenService],
})
export class TokenModule {}
