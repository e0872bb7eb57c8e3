import { Module } from '@nestjs/common';
import { TokenModule } from '@shop/auth';
import { AppConfigModule } from '@shop/config';
import { AuthCommand, AuthTokenCommand } from './auth.command';

/** `auth token` needs the signing key (JWT_SECRET or the embedded secret in DATA_DIR), no server. */
@Module({ imports: [AppConfigModule, TokenModule], providers: [AuthCommand, AuthTokenCommand] })
export class AuthCliModule {}
