import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

function cli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(
    process.execPath,
    ['-r', '@swc-node/register', path.join(__dirname, 'main.ts'), ...args],
    {
      cwd: root,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('eventshop CLI', () => {
  it('prints help with exit code 0', () => {
    const { code, stdout } = cli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: eventshop');
  });

  it('prints help without any server to talk to', () => {
    const unreachable = {
      EVENTSTORE_URL: 'esdb://127.0.0.1:9?tls=false',
      MONGO_URL: 'mongodb://127.0.0.1:9/?directConnection=true',
    };
    const rebuild = cli(['projections', 'rebuild', '--help'], unreachable);
    expect(rebuild).toMatchObject({ code: 0, stderr: '' });
    expect(rebuild.stdout).toContain('Usage: eventshop projections rebuild');
    expect(rebuild.stdout).toContain('--in-place');
    const root = cli(['help', 'streams'], unreachable);
    expect(root.code).toBe(0);
    expect(root.stdout).toContain('Usage: eventshop streams');
  });

  it('prints the resolved configuration as JSON for scripts', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-config-'));
    const { code, stdout } = cli(['config', '--json'], { DATA_DIR: dataDir, MONGO_DB: 'other' });
    fs.rmSync(dataDir, { recursive: true, force: true });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      eventStore: 'embedded',
      mongo: 'embedded',
      mongoDatabase: 'other',
      dataDir,
    });
  });

  it('fails in one line with a non-zero exit code on a bad variable or command', () => {
    const badEnv = cli(['config'], { LOG_LEVEL: 'loud' });
    expect(badEnv.code).toBe(1);
    expect(badEnv.stderr).toContain('LOG_LEVEL');
    expect(badEnv.stderr).not.toMatch(/\n\s+at /);

    const badCommand = cli(['no-such-command']);
    expect(badCommand.code).not.toBe(0);
    expect(badCommand.stderr).toContain("unknown command 'no-such-command'");
  });
});
