import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
} from '@nestjs/common';
import { type Db, MongoClient, type MongoClientOptions } from 'mongodb';

export const MONGO_CLIENT = Symbol('MONGO_CLIENT');
export const MONGO_DB = Symbol('MONGO_DB');

export interface MongoOptions {
  url: string;
  dbName: string;
  clientOptions?: MongoClientOptions;
}

interface MongoModuleAsyncOptions {
  imports?: DynamicModule['imports'];
  inject?: (string | symbol | (abstract new (...args: never[]) => unknown))[];
  useFactory: (...args: never[]) => MongoOptions | Promise<MongoOptions>;
}

@Injectable()
class MongoLifecycle implements BeforeApplicationShutdown {
  constructor(@Inject(MONGO_CLIENT) private readonly client: MongoClient) {}

  // Before the last phase, in which embedded servers (if any) stop.
  async beforeApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

/**
 * The application's single MongoClient (a connection pool) and its database. The read side uses only this;
 * the write side never does.
 */
@Module({})
export class MongoModule {
  static forRootAsync(options: MongoModuleAsyncOptions): DynamicModule {
    return {
      module: MongoModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        {
          provide: MONGO_CLIENT,
          inject: options.inject ?? [],
          useFactory: async (...args: never[]) => {
            const { url, clientOptions } = await options.useFactory(...args);
            const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000, ...clientOptions });
            await client.connect();
            new Logger('Mongo').log(`connected to ${redact(url)}`);
            return client;
          },
        },
        {
          provide: MONGO_DB,
          inject: [MONGO_CLIENT, ...(options.inject ?? [])],
          useFactory: async (client: MongoClient, ...args: never[]): Promise<Db> =>
            client.db((await options.useFactory(...args)).dbName),
        },
        MongoLifecycle,
      ],
      exports: [MONGO_CLIENT, MONGO_DB],
    };
  }
}

/** Never log credentials embedded in a connection string. */
export const redact = (url: string): string => url.replace(/\/\/[^@/]*@/, '//***@');
