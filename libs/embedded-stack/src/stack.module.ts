import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@shop/config';
import { connectOrStartEmbedded, type Stack } from './embedded-stack';

export const STACK = Symbol('STACK');

@Injectable()
class StackLifecycle implements OnApplicationShutdown {
  constructor(@Inject(STACK) private readonly stack: Stack) {}

  // The last shutdown phase: clients close in beforeApplicationShutdown, then the servers they used stop.
  async onApplicationShutdown(): Promise<void> {
    await this.stack.stop();
  }
}

/**
 * Provides the EventStoreDB and MongoDB endpoints: the configured ones, or embedded servers (started here,
 * or already run by another process on the same DATA_DIR).
 */
@Global()
@Module({
  providers: [
    {
      provide: STACK,
      inject: [AppConfig],
      useFactory: async (config: AppConfig): Promise<Stack> => {
        const stack = await connectOrStartEmbedded({
          dataDir: config.dataDir,
          eventStoreUrl: config.eventStoreUrl,
          mongoUrl: config.mongoUrl,
        });
        const logger = new Logger('Stack');
        if (stack.started.eventStore)
          logger.log(`embedded EventStoreDB-compatible server at ${stack.eventStoreUrl}`);
        if (stack.started.mongo) logger.log(`embedded MongoDB-compatible server at ${stack.mongoUrl}`);
        return stack;
      },
    },
    StackLifecycle,
  ],
  exports: [STACK],
})
export class StackModule {}
