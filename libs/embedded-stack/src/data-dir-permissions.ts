import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/**
 * The embedded servers trust whoever can touch their files (their secure mode aside), so DATA_DIR is owner-only:
 * another local account that could write it could forge events and read models, and one that could read it
 * could copy every customer's data and the token secret.
 */
export async function prepareDataDir(dataDir: string): Promise<void> {
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const stat = await fs.stat(dataDir);
  if ((stat.mode & 0o022) !== 0) {
    throw new Error(
      `DATA_DIR ${dataDir} is writable by ${stat.mode & 0o002 ? 'every local account' : 'its group'} ` +
        `(mode ${(stat.mode & 0o777).toString(8)}); refusing to use it: run \`chmod 700 ${dataDir}\``,
    );
  }
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) {
    throw new Error(`DATA_DIR ${dataDir} belongs to another user (uid ${stat.uid}); refusing to use it`);
  }
  // Directories and files created before this rule (or by a looser umask) are narrowed in place.
  await narrow(dataDir, 0);
}

async function narrow(target: string, depth: number): Promise<void> {
  const stat = await fs.lstat(target);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    if ((stat.mode & 0o077) !== 0) await fs.chmod(target, 0o700);
    if (depth < 3) {
      for (const name of await fs.readdir(target)) await narrow(path.join(target, name), depth + 1);
    }
  } else if ((stat.mode & 0o077) !== 0) {
    await fs.chmod(target, stat.mode & 0o700);
  }
}
