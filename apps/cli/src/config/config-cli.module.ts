import { Module } from '@nestjs/common';
import { AppConfigModule } from '@shop/config';
import { ConfigCommand } from './config.command';

/** `config` only reads the environment: it never connects to what it is meant to diagnose. */
@Module({ imports: [AppConfigModule], providers: [ConfigCommand] })
export class ConfigCliModule {}
