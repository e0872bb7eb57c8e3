import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

const heldInThisProcess = new Set<string>();

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * One server per dbPath. The lock holds the owner's pid so a lock left behind by a killed process is taken over
 * (crash recovery must not need manual cleanup), while a live owner, here or in another process, is refused.
 */
export const acquireLock = (dbPath: string): (() => void) => {
  const path = join(resolve(dbPath), 'mongod.lock');
  if (heldInThisProcess.has(path))
    throw new Error(`dbPath is already in use by this process (lock file ${path})`);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      heldInThisProcess.add(path);
      return () => {
        heldInThisProcess.delete(path);
        try {
          unlinkSync(path);
        } catch {
          // already gone: nothing to release
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(readFileSync(path, 'utf8').trim());
      } catch {
        continue; // removed between our open and read: try again
      }
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner))
        throw new Error(`dbPath is locked by running process ${owner} (lock file ${path})`);
      // A stale lock: the owner is gone, or it was us (a stopped server that never released it).
      try {
        unlinkSync(path);
      } catch {
        // another starter removed it first
      }
    }
  }
  throw new Error(`could not acquire lock file ${path}`);
};
