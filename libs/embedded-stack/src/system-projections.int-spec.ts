import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { connectOrStartEmbedded } from './embedded-stack';

/** Polls `condition` until it holds (no fixed sleeps). */
const waitFor = async (condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('waitFor: condition not met before the deadline');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('embedded stack: systemProjections (EMBEDDED_SYSTEM_PROJECTIONS)', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'stack-projections-'));
  });
  afterEach(() => fs.rm(dataDir, { recursive: true, force: true }));

  it.each([
    ['true runs them: $ce- links appear', true],
    ['unset leaves them off, as a real node (no projection service)', undefined],
  ])('%s', async (_name, systemProjections) => {
    const stack = await connectOrStartEmbedded({
      dataDir,
      reuse: false,
      ...(systemProjections === undefined ? {} : { systemProjections }),
    });
    const client = EventStoreDBClient.connectionString(stack.eventStoreUrl);
    try {
      if (systemProjections) {
        const cat = `stack${randomUUID().replace(/-/g, '')}`;
        await client.appendToStream(`${cat}-1`, jsonEvent({ type: 'A', data: {} }));
        const links = async (): Promise<number> => {
          let n = 0;
          for await (const _ of client.readStream(`$ce-${cat}`)) n++;
          return n;
        };
        await waitFor(async () => (await links().catch(() => 0)) === 1);
      } else {
        await expect(client.listProjections()).rejects.toThrow(/UNIMPLEMENTED/i);
      }
    } finally {
      await client.dispose();
      await stack.stop();
    }
  });
});
