import { EventStoreDBClient } from '@eventstore/db-client';
import {
  type DynamicModule,
  type FactoryProvider,
  Inject,
  Injectable,
  Module,
  type ModuleMetadata,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { AggregateStore } from './aggregate-store';
import { EventSerializer } from './event-serializer';
import {
  createEventStoreServices,
  type EventStoreServices,
  type EventStoreSettings,
} from './eventstore-services';
import { StreamInspector } from './stream-inspector';

export interface EventStoreModuleOptions extends EventStoreSettings {
  /** e.g. `esdb://localhost:2113?tls=false`. */
  readonly connectionString: string;
}

export interface EventStoreModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  readonly inject?: FactoryProvider['inject'];
  readonly useFactory: (...args: never[]) => EventStoreModuleOptions | Promise<EventStoreModuleOptions>;
}

export const EVENTSTORE_MODULE_OPTIONS = Symbol('EVENTSTORE_MODULE_OPTIONS');
const EVENTSTORE_SERVICES = Symbol('EVENTSTORE_SERVICES');

@Injectable()
class EventStoreClientCloser implements OnApplicationShutdown {
  constructor(@Inject(EventStoreDBClient) private readonly client: EventStoreDBClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client.dispose();
  }
}

/**
 * Global: provides the `EventStoreDBClient`, `AggregateStore` (command handling), `StreamInspector` and
 * `EventSerializer`. The client connects lazily and is closed on application shutdown.
 */
@Module({})
export class EventStoreModule {
  static forRootAsync(options: EventStoreModuleAsyncOptions): DynamicModule {
    return {
      module: EventStoreModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        { provide: EVENTSTORE_MODULE_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        {
          provide: EventStoreDBClient,
          useFactory: (o: EventStoreModuleOptions) => EventStoreDBClient.connectionString(o.connectionString),
          inject: [EVENTSTORE_MODULE_OPTIONS],
        },
        {
          provide: EVENTSTORE_SERVICES,
          useFactory: (client: EventStoreDBClient, o: EventStoreModuleOptions) =>
            createEventStoreServices(client, o),
          inject: [EventStoreDBClient, EVENTSTORE_MODULE_OPTIONS],
        },
        {
          provide: AggregateStore,
          useFactory: (s: EventStoreServices) => s.store,
          inject: [EVENTSTORE_SERVICES],
        },
        {
          provide: StreamInspector,
          useFactory: (s: EventStoreServices) => s.inspector,
          inject: [EVENTSTORE_SERVICES],
        },
        {
          provide: EventSerializer,
          useFactory: (s: EventStoreServices) => s.serializer,
          inject: [EVENTSTORE_SERVICES],
        },
        EventStoreClientCloser,
      ],
      exports: [
        EventStoreDBClient,
        AggregateStore,
        StreamInspector,
        EventSerializer,
        EVENTSTORE_MODULE_OPTIONS,
      ],
    };
  }
}
