import { credentials } from '@grpc/grpc-js';
import { jsonEvent } from '@eventstore/db-client';
import { StreamsClient } from '@eventstore/db-client/generated/streams_grpc_pb';
import { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import type { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { Empty } from '@eventstore/db-client/generated/shared_pb';
import type { Harness } from '../testing/harness';
import { collect, startHarness } from '../testing/harness';

// Client 6.2.1's readAll() always sends no_filter, so filtered reads are driven through the package's
// generated StreamsClient (what other clients, e.g. newer versions, send).
describe('filtered $all reads', () => {
  let h: Harness;
  let raw: StreamsClient;
  beforeAll(async () => {
    h = await startHarness();
    raw = new StreamsClient(`127.0.0.1:${h.server.port}`, credentials.createInsecure());
    for (let i = 0; i < 6; i++) {
      await h.client.appendToStream(
        `${i % 2 ? 'order' : 'product'}-${i}`,
        jsonEvent({ type: `T${i % 3}`, data: {} }),
      );
    }
  });
  afterAll(async () => {
    raw.close();
    await h.dispose();
  });

  const read = async (configure: (filter: ReadReq.Options.FilterOptions) => void, count = 100) => {
    const req = new ReadReq();
    const options = new ReadReq.Options();
    const all = new ReadReq.Options.AllOptions();
    all.setStart(new Empty());
    options.setAll(all);
    options.setCount(String(count));
    const uuid = new ReadReq.Options.UUIDOption();
    uuid.setString(new Empty());
    options.setUuidOption(uuid);
    const filter = new ReadReq.Options.FilterOptions();
    filter.setCount(new Empty());
    filter.setCheckpointintervalmultiplier(1);
    configure(filter);
    options.setFilter(filter);
    req.setOptions(options);
    const messages = (await collect(raw.read(req))) as ReadResp[];
    return messages.map((m) => m.getEvent()!.getEvent()!);
  };
  const expression = (set: (e: ReadReq.Options.FilterOptions.Expression) => void) => {
    const e = new ReadReq.Options.FilterOptions.Expression();
    set(e);
    return e;
  };

  it('filters on stream name prefixes', async () => {
    const events = await read((f) => f.setStreamIdentifier(expression((e) => e.setPrefixList(['order-']))));
    expect(events.map((e) => Buffer.from(e.getStreamIdentifier()!.getStreamName_asU8()).toString())).toEqual([
      'order-1',
      'order-3',
      'order-5',
    ]);
  });

  it('filters on event type regex and honours the count', async () => {
    const events = await read((f) => f.setEventType(expression((e) => e.setRegex('^T[01]$'))), 3);
    expect(events.map((e) => e.getMetadataMap().get('type'))).toEqual(['T0', 'T1', 'T0']);
  });

  it('rejects an invalid regex with INVALID_ARGUMENT', async () => {
    await expect(read((f) => f.setEventType(expression((e) => e.setRegex('('))))).rejects.toMatchObject({
      code: 3,
    });
  });
});
