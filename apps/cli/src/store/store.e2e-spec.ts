import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { startEmbeddedEventStore } from '@shop/embedded-eventstore';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { json, runCli } from '../testing/run-cli';

interface Verify {
  ok: boolean;
  validRecords: number;
  problems: { file: string; offset: number; recordsAfter: number; verdict: string }[];
}

/** The recovery commands work on the files alone, exactly when the store refuses to start. */
describe('eventshop store verify / salvage', () => {
  let dataDir: string;
  let storeDir: string;
  /** Records in the log: the 10 appended plus the node's own start records. */
  let records: number;
  /** File offset of the first appended event, and how many records follow it. */
  let hit: { offset: number; after: number };
  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'store-cli-'));
    storeDir = path.join(dataDir, 'eventstore');
    const server = await startEmbeddedEventStore({ dataDir: storeDir });
    const client = EventStoreDBClient.connectionString(server.url);
    for (let i = 0; i < 10; i++)
      await client.appendToStream(`ledger-${i % 2}`, [jsonEvent({ type: 'Booked', data: { i } })]);
    const streams: [string, number][] = [];
    for await (const e of client.readAll())
      streams.push([e.event!.streamId, Number(e.event!.position.commit)]);
    records = streams.length;
    const first = streams.findIndex(([stream]) => stream === 'ledger-0');
    hit = { offset: streams[first]![1], after: records - first - 1 };
    await client.dispose();
    await server.stop();
  });
  afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));

  it('verifies a healthy store, then reports damage, salvages the rest into a new store that starts', async () => {
    const healthy = await runCli(['store', 'verify', '--json'], { DATA_DIR: dataDir });
    expect(healthy.code).toBe(0);
    expect(json<Verify>(healthy)).toMatchObject({ ok: true, validRecords: records, problems: [] });

    const segment = path.join(storeDir, 'segment-0000000000000000.log');
    const bytes = await fs.readFile(segment);
    bytes[hit.offset + 40] = bytes[hit.offset + 40]! ^ 0xff;
    await fs.writeFile(segment, bytes);
    await expect(startEmbeddedEventStore({ dataDir: storeDir })).rejects.toThrow(/refusing to start/);

    const damaged = await runCli(['store', 'verify', '--json'], { DATA_DIR: dataDir });
    expect(damaged.code).toBe(1);
    expect(json<Verify>(damaged)).toMatchObject({
      ok: false,
      validRecords: records - 1,
      problems: [
        {
          file: segment,
          offset: hit.offset,
          recordsAfter: hit.after,
          verdict: 'damage (start refuses)',
        },
      ],
    });
    expect(damaged.stderr).toMatch(/store salvage --to/);
    expect(await fs.readFile(segment)).toEqual(bytes);

    const target = path.join(dataDir, 'salvaged');
    const salvage = await runCli(['store', 'salvage', '--to', target, '--json'], { DATA_DIR: dataDir });
    expect(salvage.code).toBe(0);
    expect(json(salvage)).toMatchObject({ copied: records - 1, streamsWithGaps: ['ledger-0'] });
    expect(await fs.readFile(segment)).toEqual(bytes);

    const again = await runCli(['store', 'salvage', '--to', target], { DATA_DIR: dataDir });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/is not empty/);

    const server = await startEmbeddedEventStore({ dataDir: target });
    try {
      const client = EventStoreDBClient.connectionString(server.url);
      let count = 0;
      for await (const event of client.readAll()) if (!event.event?.type.startsWith('$')) count++;
      expect(count).toBe(9);
      await client.dispose();
    } finally {
      await server.stop();
    }
  });
});
