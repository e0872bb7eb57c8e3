import { MongoServerError } from './errors';

/**
 * `maxTimeMS`: commands run synchronously on the event loop, so the work itself checks the clock, every so
 * many steps (documents scanned, expressions evaluated), and stops with MaxTimeMSExpired.
 */
let active: number | undefined;
let steps = 0;

export const expired = (): MongoServerError => new MongoServerError(50, 'operation exceeded time limit');

/** Runs `work` with `deadline` (epoch ms) in force for every `tick()` inside it. */
export const withDeadline = <T>(deadline: number | undefined, work: () => T): T => {
  if (deadline === undefined) return work();
  const outer = active;
  active = outer === undefined ? deadline : Math.min(outer, deadline);
  try {
    if (Date.now() > active) throw expired();
    return work();
  } finally {
    active = outer;
  }
};

export const tick = (): void => {
  if (active === undefined || ++steps & 255) return;
  if (Date.now() > active) throw expired();
};

/** Parses a command's `maxTimeMS` (0 or absent: no limit) into a deadline. */
export const deadlineOf = (maxTimeMS: unknown): number | undefined => {
  if (maxTimeMS === undefined || maxTimeMS === null) return undefined;
  const n = Number((maxTimeMS as { valueOf(): unknown }).valueOf());
  if (!Number.isInteger(n) || n < 0 || n > 2147483647)
    throw new MongoServerError(2, `${n} value for maxTimeMS is out of range [0, 2147483647]`);
  return n === 0 ? undefined : Date.now() + n;
};
