import type { EmbeddedEventStoreSecurity } from '@shop/embedded-eventstore';
import type { EmbeddedMongoSecurity } from '@shop/embedded-mongo';
import { ensureTlsFiles, TLS_DIR_NAME } from '@shop/embedded-tls';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/** The MongoDB user the application connects as in secure mode: its own database, data and catalog. */
export const MONGO_APP_USER = 'shop';
const PASSWORD_FILE = 'mongo-password';

/** Security settings for both embedded servers: one CA under `<dataDir>/tls`, credentials kept in DATA_DIR. */
export async function secureStackOptions(
  dataDir: string,
  mongoDatabase: string,
): Promise<{ eventStore: EmbeddedEventStoreSecurity; mongo: EmbeddedMongoSecurity }> {
  const tls = await ensureTlsFiles(path.join(dataDir, TLS_DIR_NAME));
  return {
    eventStore: { tls },
    mongo: {
      tls,
      users: [
        {
          user: MONGO_APP_USER,
          pwd: await mongoPassword(dataDir),
          db: 'admin',
          roles: [
            { role: 'readWrite', db: mongoDatabase },
            { role: 'dbAdmin', db: mongoDatabase },
          ],
        },
      ],
    },
  };
}

/** A random password made on first start (there is no well-known default as EventStoreDB's `changeit`). */
async function mongoPassword(dataDir: string): Promise<string> {
  const file = path.join(dataDir, TLS_DIR_NAME, PASSWORD_FILE);
  try {
    return (await fs.readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const password = randomBytes(18).toString('base64url');
  try {
    // `wx`: two processes starting at once agree on the first password written.
    await fs.writeFile(file, password, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return (await fs.readFile(file, 'utf8')).trim();
}

/**
 * Whether servers published by another process may be used: a secure process never falls back to plain
 * servers; any other process uses what is published (secure URLs carry their CA file and credentials).
 */
export const usable = (url: string, secure: boolean): boolean => !secure || /[?&]tls=true(&|$)/.test(url);
