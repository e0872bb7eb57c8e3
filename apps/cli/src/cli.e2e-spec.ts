import { spawnSync } from 'node:child_process';
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

  it('prints the resolved configuration as JSON for scripts', () => {
    const { code, stdout } = cli(['config', '--json'], {
      DATA_DIR: '/tmp/shop-data',
      MONGO_URL: 'mongodb://db:27017',
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      eventStore: 'embedded',
      mongo: 'mongodb://db:27017',
      dataDir: '/tmp/shop-data',
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
