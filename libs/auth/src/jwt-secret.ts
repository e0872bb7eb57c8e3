import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

export const JWT_SECRET_FILE = 'jwt-secret';

/**
 * Embedded mode has no identity provider: a random HS256 secret is generated once into DATA_DIR (owner-only
 * permissions) and reused by the API and the CLI that mints tokens. Creation is exclusive (`wx`), so two
 * processes starting together agree on one secret.
 */
export async function loadOrCreateJwtSecret(dataDir: string): Promise<string> {
  const file = path.join(dataDir, JWT_SECRET_FILE);
  try {
    return await readChecked(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await fs.mkdir(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  try {
    await fs.writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readChecked(file);
  }
}

/** Shorter than this, an HS256 key can be brute-forced offline from any token. */
const MIN_SECRET_LENGTH = 32;

/** The secret in `file`, refused (naming the file) when it is short or readable by other accounts. */
async function readChecked(file: string): Promise<string> {
  const handle = await fs.open(file, 'r');
  try {
    const mode = (await handle.stat()).mode & 0o777;
    if ((mode & 0o077) !== 0)
      throw new Error(
        `JWT secret file ${file} is readable or writable by other accounts (mode ${mode.toString(8)}): run \`chmod 600 ${file}\``,
      );
    const secret = (await handle.readFile('utf8')).trim();
    if (secret.length < MIN_SECRET_LENGTH)
      throw new Error(
        `JWT secret file ${file} holds ${secret.length} character(s); at least ${MIN_SECRET_LENGTH} are required (delete it to have one generated)`,
      );
    return secret;
  } finally {
    await handle.close();
  }
}
