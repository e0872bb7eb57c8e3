import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { startBuiltApi } from '../api-build';
import { entry } from '../bench-entry';
import type { BenchEntry, BenchSuite } from '../bench-entry';

const BIN = resolve(__dirname, '../../bin/eventshop.js');
const RUNS = 5;

/** What one run of the bin prints on stdout. */
const output = (args: string[], env: Record<string, string>): Promise<string> =>
  new Promise((done, fail) =>
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, ...env } },
      (error, stdout, stderr) =>
        error ? fail(new Error(`eventshop ${args.join(' ')} failed: ${stderr}`)) : done(stdout),
    ),
  );

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

const median = async (
  args: string[],
  env: Record<string, string>,
  expectedCode = 0,
  runs = RUNS,
): Promise<number> => {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await run(args, env, expectedCode));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
};

/**
 * What an operator waits for: the compiled `eventshop` bin, medians of 5 runs (3 for rebuilds), against the
 * embedded servers of a running API (compiled, in its own process, as `npm start` runs it), found through its
 * data directory. Baseline: bare Node.
 */
const suite: BenchSuite = {
  name: 'cli',
  async run(): Promise<BenchEntry[]> {
    const api = await startBuiltApi();
    // The API's own secret is not published in its data directory: `auth token` signs with one of its own.
    const env = {
      DATA_DIR: api.dataDir,
      LOG_LEVEL: 'error',
      JWT_SECRET: 'cli-bench-secret-0123456789abcdef0123',
    };
    try {
      const clerk = await api.token('clerk');
      const product = await api.call('POST', '/v1/products', clerk, {
        sku: 'CLI-BENCH-1',
        name: 'Bench mug',
        priceCents: 100,
      });
      const stream = `product-${String(product.body.id)}`;
      const bare = await new Promise<number>((done) => {
        const started = performance.now();
        execFile(process.execPath, ['-e', '0'], () => done(performance.now() - started));
      });
      const help = await median(['--help'], env);
      const list = await median(['projections', 'list'], env);
      const projections = (
        JSON.parse(await output(['projections', 'list', '--json'], env)) as { kind: string }[]
      ).filter((p) => p.kind === 'projection').length;
      const rebuildAll = await median(['projections', 'rebuild', '--all', '--json'], env, 0, 3);
      return [
        entry('node -e 0 (bare Node start)', bare, 'ms'),
        entry('eventshop --help, every command (baseline: bare Node)', help, 'ms', bare),
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
          'streams read <product stream> (EventStoreDB only)',
          await median(['streams', 'read', stream], env),
          'ms',
          bare,
          '< 1500',
        ),
        entry('projections list (both databases)', list, 'ms', bare, '< 1500'),
        entry(
          `projections rebuild --all: ${projections} projections the API runs (baseline: projections list)`,
          rebuildAll,
          'ms',
          list,
        ),
        entry(
          'rebuild --all, cost per projection beyond projections list (was a fixed 4-5 s)',
          (rebuildAll - list) / projections,
          'ms',
        ),
      ];
    } finally {
      await api.stop();
    }
  },
};

export default suite;
