import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { consoleAssetsDir } from '../console/serve-console';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const SOURCES = path.join(ROOT, 'apps', 'console');
const LOCK = path.join(ROOT, 'dist', '.console-build.lock');
const STALE_LOCK_MS = 120_000;

const newest = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.name !== 'scripts')
    .map((entry) => {
      const file = path.join(dir, entry.name);
      return entry.isDirectory() ? newest(file) : statSync(file).mtimeMs;
    })
    .reduce((a, b) => Math.max(a, b), 0);

/**
 * Builds the console into dist/console unless the build there is newer than every source file (about a
 * second with Vite). Test files in other jest workers may ask at the same time: one builds, the others wait.
 */
export async function ensureConsoleBuilt(): Promise<string> {
  const out = consoleAssetsDir();
  const index = path.join(out, 'index.html');
  mkdirSync(path.dirname(LOCK), { recursive: true });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // A build takes seconds: a lock this old was left by a test run that was killed mid-build.
      const held = statSync(LOCK, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`${LOCK} held for a minute: remove it if no build runs`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    if (!existsSync(index) || statSync(index).mtimeMs < newest(SOURCES)) {
      execFileSync(
        process.execPath,
        [
          path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
          'build',
          '--config',
          path.join(SOURCES, 'vite.config.mjs'),
        ],
        { cwd: ROOT, stdio: 'pipe' },
      );
    }
  } finally {
    rmdirSync(LOCK);
  }
  return out;
}
