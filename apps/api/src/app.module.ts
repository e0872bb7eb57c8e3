import { Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AuthModule } from '@shop/auth';
import { ApiHttpModule, RateLimitModule, UserRateLimitModule } from '@shop/http';
import { LiveModule } from '@shop/live';
import { HealthModule, LoggingModule, ObservabilityModule } from '@shop/observability';
import { PlatformModule } from '@shop/platform';
import { WorkersModule } from '@shop/workers';
import { AdminModule } from './admin/admin.module';
import { GraphqlModule } from './graphql/graphql.module';
import { OrdersModule } from './orders/orders.module';
import { ProductsModule } from './products/products.module';
import { ReportsModule } from './reports/reports.module';

@Module({
  imports: [
    PlatformModule,
    LoggingModule,
    ObservabilityModule,
    // The per-IP limit before authentication (tokenless floods count too), the per-user one after it (it
    // needs the user), then filter/pipe/timeouts.
    RateLimitModule,
    AuthModule,
    UserRateLimitModule,
    ApiHttpModule,
    LiveModule,
    WorkersModule,
    HealthModule,
    ProductsModule,
    OrdersModule,
    ReportsModule,
    AdminModule,
    GraphqlModule,
  ],
})
export class AppModule implements OnApplicationShutdown {
  private readonly logger = new Logger('Api');

  onApplicationShutdown(signal?: string): void {
    this.logger.log(`API stopped${signal ? ` on ${signal}` : ''}`);
  }
}
