import { MongoClient } from 'mongodb';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type EmbeddedMongo, startEmbeddedMongo } from './server/start';
import { runTest, ServerFacts, type TestOutcome } from './testing/spec/runner';
import {
  AREAS,
  loadArea,
  loadExpectedFailures,
  locateSpecDir,
  testKey,
  writeExpectedFailures,
} from './testing/spec/suite';

/**
 * MongoDB's own specification tests (unified test format) through the official driver against this server.
 * Failures are allowed only when listed in conformance/expected-failures.txt, and listed ones must still fail.
 * MONGO_SPEC_UPDATE_LIST=1 rewrites that list from this run (keeping the reasons of entries still failing).
 */
const repoRoot = resolve(__dirname, '..', '..', '..');
const specDir = locateSpecDir(repoRoot);
const listPath = resolve(__dirname, '..', 'conformance', 'expected-failures.txt');
const expected = loadExpectedFailures(listPath);

interface Tally {
  applicable: number;
  passed: number;
  /** Passed, with only mongodb 7.9's own wtimeout on commit/abort accepted (runner.ts driverWtimeout). */
  driverDeviation: number;
  notApplicable: number;
}

if (!specDir) {
  const missing =
    'MongoDB specification tests: none found (set MONGO_SPEC_DIR or provide ../shared/mongo-spec)';
  // The test data is MongoDB's, never copied into this repository: a checkout without it (a contributor's
  // clone elsewhere) skips with this one line. CI must run the suite, so there a missing directory fails.
  if (process.env.CI) {
    it(missing, () => {
      throw new Error(missing);
    });
  } else {
    it.skip(missing, () => {});
  }
} else {
  let server: EmbeddedMongo;
  let internal: MongoClient;
  let facts: ServerFacts;
  const tally = new Map<string, Tally>(
    AREAS.map((a) => [a, { applicable: 0, passed: 0, driverDeviation: 0, notApplicable: 0 }]),
  );
  const seen = new Set<string>();
  const failures = new Map<string, string>();

  beforeAll(async () => {
    server = await startEmbeddedMongo({ inMemory: true, port: 0, enableTestCommands: true });
    internal = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5000 });
    await internal.connect();
    facts = await ServerFacts.discover(internal);
  });

  afterAll(async () => {
    const rows = [...tally].map(([area, t]) => ({
      area,
      ...t,
      percent: t.applicable ? Math.floor((1000 * t.passed) / t.applicable) / 10 : 100,
    }));
    console.log(
      rows
        .map(
          (r) =>
            `mongo-spec ${r.area}: applicable ${r.applicable}, passed ${r.passed} (${r.percent}%; ${r.driverDeviation} of them with mongodb 7.9's commit/abort wtimeout accepted), not applicable ${r.notApplicable}`,
        )
        .join('\n'),
    );
    if (process.env.MONGO_SPEC_UPDATE_LIST === '1') writeExpectedFailures(listPath, failures, expected);
    if (process.env.MONGO_SPEC_REPORT)
      writeFileSync(process.env.MONGO_SPEC_REPORT, JSON.stringify(rows, null, 2));
    if (process.env.MONGO_SPEC_FAILURES)
      writeFileSync(
        process.env.MONGO_SPEC_FAILURES,
        [...failures].map(([key, why]) => `${key}\n    ${why.replace(/\n/g, '\n    ')}\n`).join(''),
      );
    await internal?.close();
    await server?.stop();
  });

  for (const area of AREAS) {
    describe(area, () => {
      for (const file of loadArea(specDir, area)) {
        describe(file.name, () => {
          const counts = new Map<string, number>();
          for (const test of file.spec.tests) {
            const n = (counts.get(test.description) ?? 0) + 1;
            counts.set(test.description, n);
            const key = testKey(area, file.name, n > 1 ? `${test.description} #${n}` : test.description);
            seen.add(key);
            it(test.description, async () => {
              const outcome: TestOutcome = await runTest({ uri: server.uri, facts }, file.spec, test);
              const t = tally.get(area) as Tally;
              const listed = expected.get(key);
              if (outcome.status === 'skipped') {
                t.notApplicable++;
                if (listed !== undefined)
                  throw new Error(
                    `listed as an expected failure but not applicable (${outcome.reason}): ${key}`,
                  );
                return;
              }
              t.applicable++;
              if (outcome.status === 'passed') {
                t.passed++;
                if (outcome.driverDeviations.length) t.driverDeviation++;
                if (listed !== undefined)
                  throw new Error(`passes now: remove it from conformance/expected-failures.txt: ${key}`);
                return;
              }
              failures.set(key, outcome.reason);
              if (listed === undefined) throw new Error(`${key}\n${outcome.reason}`);
            });
          }
        });
      }
    });
  }

  it('lists only tests that exist', () => {
    const stale = [...expected.keys()].filter((k) => !seen.has(k));
    expect(stale).toEqual([]);
  });
}
