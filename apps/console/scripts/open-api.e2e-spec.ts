import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * The console's typed client is generated from the API's OpenAPI document (`npm run console:api`).
 * Regenerated here from the real application, it must equal the committed files, so the console cannot
 * drift from the API unnoticed. (In a child process: openapi-typescript loads ES modules jest cannot.)
 */
describe('console API contract', () => {
  it('the committed OpenAPI document and client types match what the API serves', async () => {
    const run = promisify(execFile)(
      process.execPath,
      ['-r', '@swc-node/register', 'apps/console/scripts/open-api.ts', '--check'],
      { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn' } },
    );
    await expect(run.then((r) => r.stdout)).resolves.toMatch(/console API contract is up to date/);
  }, 120_000);
});
