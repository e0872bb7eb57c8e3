/**
 * `npm run bench [-- suite ...]`: runs the benchmark suites in bench/suites (all, or the named ones), one
 * after the other, and writes bench/results/<date>.json, bench/results/latest.json and latest.md.
 * Every number comes with a baseline measured in the same run: absolute numbers drift on shared machines.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type BenchEntry, type BenchSuite } from './bench-entry';

interface SuiteResult {
  suite: string;
  seconds: number;
  entries: BenchEntry[];
  error?: string;
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const dir = path.join(__dirname, 'suites');
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort();
  const results: SuiteResult[] = [];
  for (const file of files) {
    const suite = ((await import(path.join(dir, file))) as { default: BenchSuite }).default;
    if (wanted.length > 0 && !wanted.includes(suite.name)) continue;
    process.stderr.write(`bench: ${suite.name}...\n`);
    const started = Date.now();
    try {
      const entries = await suite.run();
      results.push({ suite: suite.name, seconds: (Date.now() - started) / 1000, entries });
      for (const e of entries)
        process.stderr.write(
          `  ${e.name}: ${e.value} ${e.unit}${e.ratio !== null ? ` (x${e.ratio})` : ''}\n`,
        );
    } catch (error) {
      results.push({
        suite: suite.name,
        seconds: (Date.now() - started) / 1000,
        entries: [],
        error: String(error),
      });
      process.stderr.write(`  failed: ${String(error)}\n`);
    }
  }
  write(results);
  if (results.some((r) => r.error)) process.exitCode = 1;
}

function write(results: SuiteResult[]): void {
  const out = path.join(__dirname, 'results');
  fs.mkdirSync(out, { recursive: true });
  const entries = results.flatMap((r) => r.entries.map((e) => ({ suite: r.suite, ...e })));
  const stamp = new Date().toISOString().slice(0, 10);
  const json = JSON.stringify(entries, null, 2);
  fs.writeFileSync(path.join(out, `${stamp}.json`), `${json}\n`);
  fs.writeFileSync(path.join(out, 'latest.json'), `${json}\n`);
  const machine = `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const lines = [
    `# Benchmarks (${new Date().toISOString()})`,
    '',
    `Machine: ${machine}. Reproduce with \`npm run bench\` (or \`npm run bench -- <suite>\`).`,
    '',
    '| suite | measure | value | unit | baseline | ratio | target |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...entries.map(
      (e) =>
        `| ${e.suite} | ${e.name} | ${e.value} | ${e.unit} | ${e.baseline ?? ''} | ${e.ratio ?? ''} | ${e.target ?? ''} |`,
    ),
    ...results.filter((r) => r.error).map((r) => `\n${r.suite} failed: ${r.error}`),
    '',
  ];
  fs.writeFileSync(path.join(out, 'latest.md'), lines.join('\n'));
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${String(error)}\n`);
  process.exit(1);
});
