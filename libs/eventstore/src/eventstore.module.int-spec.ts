import { EventStoreDBClient } from '@eventstore/db-client';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AggregateStore, EventStoreModule, StreamInspector } from '@shop/eventstore';
import { startEmbeddedEventStore, type EmbeddedEventStore } from '@shop/embedded-eventstore';
import { uniqueStream } from './testing/embedded-store';
import { add, tally } from './testing/tally';

const URL_TOKEN = 'EVENTSTORE_URL';
let server: EmbeddedEventStore;

@Module({ providers: [{ provide: URL_TOKEN, useFactory: () => server.url }], exports: [URL_TOKEN] })
class UrlModule {}

describe('EventStoreModule', () => {
  beforeAll(async () => {
    server = await startEmbeddedEventStore({ inMemory: true, port: 0 });
  });
  afterAll(() => server.stop());

  it('provides the client and the command handling service, and closes the client on shutdown', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        EventStoreModule.forRootAsync({
          inject: [URL_TOKEN],
          imports: [UrlModule],
          useFactory: (url: string) => ({ connectionString: url }),
        }),
      ],
    }).compile();
    const app = await moduleRef.init();
    const store = app.get(AggregateStore);
    const stream = uniqueStream();
    await expect(store.handle(tally, stream, add(1))).resolves.toMatchObject({ nextRevision: 0n });
    expect((await app.get(StreamInspector).readPage(stream)).events).toHaveLength(1);
    const client = app.get(EventStoreDBClient);
    const dispose = jest.spyOn(client, 'dispose');
    await app.close();
    expect(dispose).toHaveBeenCalledTimes(1);
  });
});
