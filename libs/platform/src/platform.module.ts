import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AppConfig, AppConfigModule } from '@shop/config';
import { STACK, type Stack, StackModule } from '@shop/embedded-stack';
import { EventStoreModule } from '@shop/eventstore';
import { MongoModule } from '@shop/mongo';

/**
 * What every process of the shop runs on: validated configuration, the EventStoreDB and
 * MongoDB endpoints (external, or embedded servers), their official clients, and the command/query buses.
 */
@Module({
  imports: [
    AppConfigModule,
    StackModule,
    EventStoreModule.forRootAsync({
      inject: [STACK],
      useFactory: (stack: Stack) => ({ connectionString: stack.eventStoreUrl }),
    }),
    MongoModule.forRootAsync({
      inject: [STACK, AppConfig],
      useFactory: (stack: Stack, config: AppConfig) => ({
        url: stack.mongoUrl,
        dbName: config.mongoDatabase,
      }),
    }),
    CqrsModule.forRoot(),
  ],
})
export class PlatformModule {}
