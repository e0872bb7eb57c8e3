import { Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { LoggingModule } from '@shop/observability';
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
    WorkersModule,
    HealthModule,
    ProductsModule,
    OrdersModule,
    AdminModule,
  ],
})
export class AppModule implements OnApplicationShutdown {
  private readonly logger = new Logger('Api');

  onApplicationShutdown(signal?: string): void {
    this.logger.log(`API stopped${signal ? ` on ${signal}` : ''}`);
  }
}
