import { connectOrStartEmbedded, type Stack } from '@shop/embedded-stack';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { json, runCli } from './testing/run-cli';

/**
 * The CLI against servers that demand TLS and credentials, given as URLs the way production configures it
 * (before secure mode the embedded MongoDB answered `no such command: 'saslStart'`).
 */
describe('eventshop CLI against secure servers', () => {
  let dataDir: string;
  let stack: Stack;
  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-secure-'));
    stack = await connectOrStartEmbedded({
      dataDir: path.join(dataDir, 'servers'),
      secure: true,
      reuse: false,
    });
  });
  afterAll(async () => {
    await stack.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('reads the projections (MongoDB) and streams (EventStoreDB) with credentials in the URLs', async () => {
    const env = {
      DATA_DIR: path.join(dataDir, 'cli'),
      EVENTSTORE_URL: stack.eventStoreUrl,
      MONGO_URL: stack.mongoUrl,
    };
    expect(stack.mongoUrl).toMatch(/^mongodb:\/\/shop:[^@]+@.*tls=true/);
    const projections = await runCli(['projections', 'list', '--json'], env);
    expect(projections.stderr).toBe('');
    expect(Array.isArray(json(projections))).toBe(true);
    const streams = await runCli(['streams', 'list', '--json'], env);
    expect(streams).toMatchObject({ code: 0, stderr: '' });
  });

  it('fails in one line on a wrong MongoDB password', async () => {
    const result = await runCli(['projections', 'list', '--json'], {
      DATA_DIR: path.join(dataDir, 'cli'),
      EVENTSTORE_URL: stack.eventStoreUrl,
      MONGO_URL: stack.mongoUrl.replace(/\/\/shop:[^@]+@/, '//shop:wrong@'),
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Authentication failed/);
  });
});
