import { EJSON } from 'bson';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SpecFile } from './runner';

export const AREAS = ['crud', 'transactions', 'index-management', 'collection-management'] as const;

/**
 * Where MongoDB's specification tests live: MONGO_SPEC_DIR, else `<repo>/../shared/mongo-spec`, else
 * `/work/shared/mongo-spec`. They are read in place, never copied into this repository.
 */
export const locateSpecDir = (repoRoot: string): string | null => {
  const candidates = [
    process.env.MONGO_SPEC_DIR,
    resolve(repoRoot, '..', 'shared', 'mongo-spec'),
    '/work/shared/mongo-spec',
  ].filter((p): p is string => !!p);
  return candidates.find((p) => existsSync(join(p, 'crud'))) ?? null;
};

export interface LoadedFile {
  area: string;
  name: string;
  spec: SpecFile;
}

export const loadArea = (dir: string, area: string): LoadedFile[] => {
  const folder = join(dir, area);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((name) => ({
      area,
      name,
      spec: EJSON.parse(readFileSync(join(folder, name), 'utf8'), { relaxed: false }),
    }));
};

export const testKey = (area: string, file: string, description: string): string =>
  `${area}/${file} | ${description}`;

/**
 * The expected-failures list: `<area>/<file> | <test description> | <reason>` per line, `#` comments.
 * Each entry must still fail; the suite rejects entries that pass or name no test, so the list only shrinks.
 */
export const loadExpectedFailures = (path: string): Map<string, string> => {
  const out = new Map<string, string>();
  if (!existsSync(path)) return out;
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const parts = line.split(' | ');
    if (parts.length < 3) throw new Error(`expected-failures: malformed line: ${line}`);
    const reason = parts.pop() as string;
    out.set(parts.join(' | '), reason);
  }
  return out;
};

/** Rewrites the list from a run: entries that still fail keep their reason, new ones get the error's first line. */
export const writeExpectedFailures = (
  path: string,
  failures: Map<string, string>,
  previous: Map<string, string>,
): void => {
  const header = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('#'));
  const lines = [...failures.keys()].sort().map((key) => {
    const reason =
      previous.get(key) ?? (failures.get(key) as string).split('\n')[0]!.replace(/\s+/g, ' ').slice(0, 160);
    return `${key} | ${reason}`;
  });
  writeFileSync(path, [...header, ...lines, ''].join('\n'));
};
