import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@shop/config';
import { connectOrStartEmbedded, type Stack } from './embedded-stack';

export const STACK = Symbol('STACK');

/** Secure-mode URLs carry credentials; logs get the user name only. */
const withoutPassword = (url: string): string => url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');

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
        const logger = new Logger('Stack');
        const stack = await connectOrStartEmbedded({
          dataDir: config.dataDir,
          eventStoreUrl: config.eventStoreUrl,
          mongoUrl: config.mongoUrl,
          secure: config.embeddedSecure,
          systemProjections: config.embeddedSystemProjections,
          mongoDatabase: config.mongoDatabase,
          log: (message) => logger.warn(message),
        });
        if (stack.started.eventStore)
          logger.log(`embedded EventStoreDB-compatible server at ${withoutPassword(stack.eventStoreUrl)}`);
        if (stack.started.mongo)
          logger.log(`embedded MongoDB-compatible server at ${withoutPassword(stack.mongoUrl)}`);
        return stack;
      },
    },
    StackLifecycle,
  ],
  exports: [STACK],
})
export class StackModule {}
