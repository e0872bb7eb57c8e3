import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RoleRef } from './roles';
import { deriveCredential, type ScramCredential } from './scram';

export interface StoredUser {
  user: string;
  db: string;
  roles: RoleRef[];
  credential: ScramCredential;
}

/** A user to create at start-up when missing (e.g. the app's own user from configuration). */
export interface BootstrapUser {
  user: string;
  pwd: string;
  /** Default `admin`. */
  db?: string;
  /** A bare role name means a role on `db`. */
  roles: (string | RoleRef)[];
}

export const USERS_FILE = 'users.json';

export const roleRefs = (roles: readonly (string | RoleRef)[], db: string): RoleRef[] =>
  roles.map((role) => (typeof role === 'string' ? { role, db } : { role: role.role, db: role.db }));

/**
 * Users and their SCRAM credentials, in `<dbPath>/users.json` (owner-only), written atomically on every
 * change. mongod keeps them in `admin.system.users`; a file keeps them out of the application's data.
 */
export class UserStore {
  private readonly users = new Map<string, StoredUser>();

  private constructor(private readonly file: string | null) {}

  static open(dbPath: string | null): UserStore {
    const store = new UserStore(dbPath ? path.join(dbPath, USERS_FILE) : null);
    if (store.file && fs.existsSync(store.file)) {
      const parsed = JSON.parse(fs.readFileSync(store.file, 'utf8')) as { users?: StoredUser[] };
      for (const user of parsed.users ?? []) store.users.set(`${user.db}.${user.user}`, user);
    }
    return store;
  }

  get size(): number {
    return this.users.size;
  }

  get(db: string, user: string): StoredUser | undefined {
    return this.users.get(`${db}.${user}`);
  }

  list(db?: string): StoredUser[] {
    return [...this.users.values()].filter((user) => db === undefined || user.db === db);
  }

  put(user: StoredUser): void {
    this.users.set(`${user.db}.${user.user}`, user);
    this.save();
  }

  remove(db: string, user: string): boolean {
    const removed = this.users.delete(`${db}.${user}`);
    if (removed) this.save();
    return removed;
  }

  /** Creates configured users that do not exist yet; an existing one keeps its password and roles. */
  bootstrap(users: readonly BootstrapUser[]): void {
    for (const spec of users) {
      const db = spec.db ?? 'admin';
      if (this.get(db, spec.user)) continue;
      this.put({
        user: spec.user,
        db,
        roles: roleRefs(spec.roles, db),
        credential: deriveCredential(spec.pwd),
      });
    }
  }

  private save(): void {
    if (!this.file) return;
    const temp = `${this.file}.tmp`;
    fs.writeFileSync(temp, JSON.stringify({ users: [...this.users.values()] }), { mode: 0o600 });
    fs.renameSync(temp, this.file);
  }
}
