import { Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfigModule } from '@shop/config';
import { LoggingModule } from '@shop/observability';
import { HealthModule } from './health/health.module';

@Module({
  imports: [AppConfigModule, LoggingModule, HealthModule],
})
export class AppModule implements OnApplicationShutdown {
  private readonly logger = new Logger('Api');

  onApplicationShutdown(signal?: string): void {
    this.logger.log(`API stopped${signal ? ` on ${signal}` : ''}`);
  }
}
