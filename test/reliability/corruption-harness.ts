import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/** One way of damaging a copy of a data directory. */
export interface Corruption {
  kind: string;
  label: string;
  /** The damaged file, relative to the data directory. */
  file: string;
  apply(file: string): Promise<void>;
}

/** What opening the damaged copy did: every case must end in one of the first two. */
export type Outcome =
  | { result: 'recovered' }
  | { result: 'refused' }
  | { result: 'lost'; missing: number }
  | { result: 'modified-on-refusal' }
  | { result: 'unexpected-error'; message: string };

export interface Tally {
  cases: number;
  recovered: number;
  refused: number;
  failures: string[];
}

/** A hash of every file under `dir` except lock files: a refusal must leave all of them as they were. */
export const fingerprint = async (dir: string): Promise<string> => {
  const hash = createHash('sha256');
  const walk = async (at: string): Promise<void> => {
    for (const entry of (await fs.readdir(at, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (!/lock/i.test(entry.name)) hash.update(entry.name).update(await fs.readFile(full));
    }
  };
  await walk(dir);
  return hash.digest('hex');
};

export const flipBit =
  (offset: number) =>
  async (file: string): Promise<void> => {
    const buf = await fs.readFile(file);
    buf[offset] = buf[offset]! ^ 0x04;
    await fs.writeFile(file, buf);
  };

export const truncateAt =
  (length: number) =>
  (file: string): Promise<void> =>
    fs.truncate(file, length);

export const appendBytes =
  (bytes: Buffer) =>
  (file: string): Promise<void> =>
    fs.appendFile(file, bytes);

export const zeroRange =
  (offset: number, length: number) =>
  async (file: string): Promise<void> => {
    const buf = await fs.readFile(file);
    buf.fill(0, offset, Math.min(buf.length, offset + length));
    await fs.writeFile(file, buf);
  };

/**
 * Runs every corruption against a fresh copy of `pristine`: `open` must either succeed with every acknowledged
 * write present (it returns how many are missing) or throw `refusal` and leave the files untouched.
 */
export async function runCorruptions(
  pristine: string,
  scratchRoot: string,
  corruptions: Corruption[],
  open: (dir: string) => Promise<number>,
  isRefusal: (error: unknown) => boolean,
): Promise<Map<string, Tally>> {
  const tallies = new Map<string, Tally>();
  let n = 0;
  for (const corruption of corruptions) {
    const dir = path.join(scratchRoot, `case-${n++}`);
    await fs.cp(pristine, dir, { recursive: true });
    await corruption.apply(path.join(dir, corruption.file));
    const before = await fingerprint(dir);
    let outcome: Outcome;
    try {
      const missing = await open(dir);
      outcome = missing === 0 ? { result: 'recovered' } : { result: 'lost', missing };
    } catch (error) {
      if (!isRefusal(error)) outcome = { result: 'unexpected-error', message: String(error) };
      else if ((await fingerprint(dir)) !== before) outcome = { result: 'modified-on-refusal' };
      else outcome = { result: 'refused' };
    }
    const tally = tallies.get(corruption.kind) ?? { cases: 0, recovered: 0, refused: 0, failures: [] };
    tally.cases++;
    if (outcome.result === 'recovered') tally.recovered++;
    else if (outcome.result === 'refused') tally.refused++;
    else tally.failures.push(`${corruption.label}: ${JSON.stringify(outcome)}`);
    tallies.set(corruption.kind, tally);
    await fs.rm(dir, { recursive: true, force: true });
  }
  return tallies;
}
