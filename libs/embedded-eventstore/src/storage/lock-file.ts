import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const LOCK_FILE_NAME = 'LOCK';

/** Data directories held by this process: a second start in-process must fail just like another process. */
const heldHere = new Set<string>();

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * One owner per data directory. The lock file holds the owner's pid; a lock left by a dead process (a
 * crash or SIGKILL) is taken over, a live owner makes the start fail with a message naming the file.
 */
export const acquireLock = (dataDir: string): (() => void) => {
  const dir = resolve(dataDir);
  const path = join(dir, LOCK_FILE_NAME);
  const held = (owner: string): Error =>
    new Error(
      `embedded-eventstore: data directory ${dir} is locked: lock file ${path} is held by another ` +
        `${owner}. Stop it or use another dataDir.`,
    );
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (heldHere.has(dir)) throw held(`embedded event store in this process (pid ${process.pid})`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      heldHere.add(dir);
      return () => {
        heldHere.delete(dir);
        try {
          unlinkSync(path);
        } catch {
          // already gone: nothing to release
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let pid = NaN;
    try {
      pid = Number(readFileSync(path, 'utf8').trim());
    } catch {
      // vanished between open and read: retry
    }
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid))
      throw held(`process (pid ${pid})`);
    try {
      unlinkSync(path); // stale: its owner is gone
    } catch {
      // someone else removed it first
    }
  }
  throw held('process');
};
