import { Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AuthModule } from '@shop/auth';
import { ApiHttpModule, RateLimitModule } from '@shop/http';
import { LoggingModule, ObservabilityModule } from '@shop/observability';
import { PlatformModule } from '@shop/platform';
import { WorkersModule } from '@shop/workers';
import { AdminModule } from './admin/admin.module';
import { HealthModule } from './health/health.module';
import { OrdersModule } from './orders/orders.module';
import { ProductsModule } from './products/products.module';
import { ReportsModule } from './reports/reports.module';

@Module({
  imports: [
    PlatformModule,
    LoggingModule,
    ObservabilityModule,
    // Authentication before rate limiting (its per-user limit needs the user), then filter/pipe/timeouts.
    AuthModule,
    RateLimitModule,
    ApiHttpModule,
    WorkersModule,
    HealthModule,
    ProductsModule,
    OrdersModule,
    ReportsModule,
    AdminModule,
  ],
})
export class AppModule implements OnApplicationShutdown {
  private readonly logger = new Logger('Api');

  onApplicationShutdown(signal?: string): void {
    this.logger.log(`API stopped${signal ? ` on ${signal}` : ''}`);
  }
}
