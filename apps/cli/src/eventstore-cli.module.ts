import { Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig, AppConfigModule } from '@shop/config';
import { connectOrStartEmbedded, type Stack } from '@shop/embedded-stack';
import { EventStoreModule } from '@shop/eventstore';
import { AGGREGATE_RESOLVER, InspectionService } from '@shop/inspection';
import { deciderForStream } from '@shop/workers';
import { EventsCommand, EventsSearchCommand, TraceCommand } from './events/events.command';
import {
  StreamsCommand,
  StreamsDiffCommand,
  StreamsListCommand,
  StreamsReadCommand,
  StreamsStateCommand,
  StreamsTailCommand,
} from './streams/streams.command';

const EVENTSTORE_ENDPOINT = Symbol('EVENTSTORE_ENDPOINT');

/** An external EventStoreDB as configured; else the embedded servers (another process's, or started here). */
async function eventStoreEndpoint(config: AppConfig): Promise<Stack> {
  const url = config.eventStoreUrl;
  if (url)
    return {
      eventStoreUrl: url,
      mongoUrl: '',
      started: { eventStore: false, mongo: false },
      stop: async () => {},
    };
  return connectOrStartEmbedded({
    dataDir: config.dataDir,
    eventStoreUrl: undefined,
    mongoUrl: config.mongoUrl,
    secure: config.embeddedSecure,
    systemProjections: config.embeddedSystemProjections,
    mongoDatabase: config.mongoDatabase,
  });
}

@Injectable()
class EndpointLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EVENTSTORE_ENDPOINT) private readonly stack: Stack) {}

  // Last phase: the client closes first (EventStoreModule), then servers started here stop.
  async onApplicationShutdown(): Promise<void> {
    await this.stack.stop();
  }
}

@Module({
  imports: [AppConfigModule],
  providers: [
    { provide: EVENTSTORE_ENDPOINT, inject: [AppConfig], useFactory: eventStoreEndpoint },
    EndpointLifecycle,
  ],
  exports: [EVENTSTORE_ENDPOINT],
})
class EventStoreEndpointModule {}

/**
 * Streams, events and traces read EventStoreDB only: they neither connect to nor wait for MongoDB. The commands
 * are listed here rather than taken from cli-commands.ts, whose imports would load every command's libraries.
 */
@Module({
  imports: [
    AppConfigModule,
    EventStoreModule.forRootAsync({
      inject: [EVENTSTORE_ENDPOINT],
      useFactory: (stack: Stack) => ({ connectionString: stack.eventStoreUrl }),
      imports: [EventStoreEndpointModule],
    }),
  ],
  providers: [
    { provide: AGGREGATE_RESOLVER, useValue: deciderForStream },
    InspectionService,
    StreamsCommand,
    StreamsListCommand,
    StreamsReadCommand,
    StreamsTailCommand,
    StreamsStateCommand,
    StreamsDiffCommand,
    EventsCommand,
    EventsSearchCommand,
    TraceCommand,
  ],
})
export class EventStoreCliModule {}
