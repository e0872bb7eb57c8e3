import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connectOrStartEmbedded } from '@shop/embedded-stack';
import { buildOnce } from '../api-build';
import { entry } from '../bench-entry';
import type { BenchEntry, BenchSuite } from '../bench-entry';

const BIN = resolve(__dirname, '../../bin/eventshop.js');
const RUNS = 5;

/** Wall time of one run of the installed bin (compiled code), in milliseconds; fails on a wrong exit code. */
const run = (args: string[], env: Record<string, string>, expectedCode: number): Promise<number> =>
  new Promise((done, fail) => {
    const started = performance.now();
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } }, (error, _out, stderr) => {
      const code = error ? Number(error.code) : 0;
      if (code !== expectedCode) fail(new Error(`eventshop ${args.join(' ')} exited ${code}: ${stderr}`));
      else done(performance.now() - started);
    });
  });

const median = async (args: string[], env: Record<string, string>, expectedCode = 0): Promise<number> => {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await run(args, env, expectedCode));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
};

/**
 * What an operator waits for: the compiled `eventshop` bin, medians of 5 runs, against embedded servers that
 * another process already runs on the data directory (as an API or devstack does). Baseline: bare Node.
 */
const suite: BenchSuite = {
  name: 'cli',
  async run(): Promise<BenchEntry[]> {
    buildOnce();
    const dataDir = await mkdtemp(join(tmpdir(), 'cli-bench-'));
    const stack = await connectOrStartEmbedded({ dataDir });
    const env = { DATA_DIR: dataDir, LOG_LEVEL: 'error' };
    try {
      const node = await median(['--help'], env);
      const bare = await new Promise<number>((done) => {
        const started = performance.now();
        execFile(process.execPath, ['-e', '0'], () => done(performance.now() - started));
      });
      return [
        entry('node -e 0 (bare Node start)', bare, 'ms'),
        entry('eventshop --help (baseline: bare Node)', node, 'ms', bare),
        entry(
          'usage error: streams state without a stream',
          await median(['streams', 'state'], env, 1),
          'ms',
          bare,
          '< 500',
        ),
        entry('config', await median(['config'], env), 'ms', bare, '< 500'),
        entry('auth token --role clerk', await median(['auth', 'token', '--role', 'clerk'], env), 'ms', bare),
        entry(
          'streams list (EventStoreDB only)',
          await median(['streams', 'list'], env),
          'ms',
          bare,
          '< 1500',
        ),
        entry(
          'projections list (both databases)',
          await median(['projections', 'list'], env),
          'ms',
          bare,
          '< 1500',
        ),
      ];
    } finally {
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};

export default suite;
