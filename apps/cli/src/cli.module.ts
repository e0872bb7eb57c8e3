import { Module } from '@nestjs/common';
import { AppConfigModule } from '@shop/config';
import { ConfigCommand } from './config/config.command';

@Module({
  imports: [AppConfigModule],
  providers: [ConfigCommand],
})
export class CliModule {}
