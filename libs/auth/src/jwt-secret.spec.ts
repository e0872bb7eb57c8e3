import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { JWT_SECRET_FILE, loadOrCreateJwtSecret } from './jwt-secret';

describe('loadOrCreateJwtSecret (embedded mode)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'jwt-secret-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('generates a random secret once, owner-only, and reuses it', async () => {
    const dataDir = path.join(dir, 'data');
    const first = await loadOrCreateJwtSecret(dataDir);
    expect(first.length).toBeGreaterThanOrEqual(32);
    const stat = await fs.stat(path.join(dataDir, JWT_SECRET_FILE));
    expect(stat.mode & 0o777).toBe(0o600);
    await expect(loadOrCreateJwtSecret(dataDir)).resolves.toBe(first);
  });

  it('agrees on one secret when several processes start together', async () => {
    const secrets = await Promise.all([1, 2, 3, 4].map(() => loadOrCreateJwtSecret(dir)));
    expect(new Set(secrets).size).toBe(1);
  });

  it('refuses a short, empty or group-readable secret file, naming it', async () => {
    const file = path.join(dir, JWT_SECRET_FILE);
    await fs.writeFile(file, 'x\n', { mode: 0o600 });
    await expect(loadOrCreateJwtSecret(dir)).rejects.toThrow(`JWT secret file ${file} holds 1 character(s)`);
    await fs.writeFile(file, '');
    await expect(loadOrCreateJwtSecret(dir)).rejects.toThrow(`JWT secret file ${file} holds 0 character(s)`);
    await fs.writeFile(file, 'a'.repeat(40));
    await fs.chmod(file, 0o640);
    await expect(loadOrCreateJwtSecret(dir)).rejects.toThrow(
      `JWT secret file ${file} is readable or writable`,
    );
  });
});
