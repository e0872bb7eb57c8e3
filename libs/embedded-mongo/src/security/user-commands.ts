import type { Doc } from '../bson/values';
import type { Handler } from '../commands/env';
import { MongoServerError } from '../engine/errors';
import { BUILT_IN_ROLES, type RoleRef } from './roles';
import { deriveCredential, MECHANISM } from './scram';
import { roleRefs, type StoredUser, type UserStore } from './user-store';

const nameOf = (value: unknown, what: string): string => {
  if (typeof value !== 'string' || value.length === 0)
    throw new MongoServerError(2, `${what} must be a non-empty string`);
  return value;
};

const rolesOf = (value: unknown, db: string): RoleRef[] => {
  if (!Array.isArray(value)) throw new MongoServerError(2, '"roles" must be an array');
  const refs = roleRefs(
    value.map((role) => {
      if (typeof role === 'string') return role;
      const doc = role as Doc;
      return { role: nameOf(doc.role, 'role'), db: nameOf(doc.db, 'role db') };
    }),
    db,
  );
  for (const ref of refs)
    if (!BUILT_IN_ROLES.has(ref.role))
      throw new MongoServerError(31, `Could not find role: ${ref.role}@${ref.db}`);
  return refs;
};

const existing = (users: UserStore, db: string, user: string): StoredUser => {
  const found = users.get(db, user);
  if (!found) throw new MongoServerError(11, `Could not find user "${user}" for db "${db}"`);
  return found;
};

const describe = (user: StoredUser): Doc => ({
  _id: `${user.db}.${user.user}`,
  userId: `${user.db}.${user.user}`,
  user: user.user,
  db: user.db,
  roles: user.roles,
  mechanisms: [MECHANISM],
});

const uniqueRoles = (roles: RoleRef[]): RoleRef[] => [
  ...new Map(roles.map((r) => [`${r.db}.${r.role}`, r])).values(),
];

/** createUser, updateUser, dropUser, usersInfo, grant/revoke: the user-management commands the app needs. */
export const userCommands = (users: UserStore): Record<string, Handler> => ({
  createUser: (cmd, env) => {
    const user = nameOf(cmd.createUser, 'createUser');
    if (users.get(env.db, user)) throw new MongoServerError(51003, `User "${user}@${env.db}" already exists`);
    const roles = rolesOf(cmd.roles ?? [], env.db);
    users.put({ user, db: env.db, roles, credential: deriveCredential(nameOf(cmd.pwd, 'pwd')) });
    return { ok: 1 };
  },
  updateUser: (cmd, env) => {
    const current = existing(users, env.db, nameOf(cmd.updateUser, 'updateUser'));
    users.put({
      ...current,
      ...(cmd.roles !== undefined ? { roles: rolesOf(cmd.roles, env.db) } : {}),
      ...(cmd.pwd !== undefined ? { credential: deriveCredential(nameOf(cmd.pwd, 'pwd')) } : {}),
    });
    return { ok: 1 };
  },
  dropUser: (cmd, env) => {
    const user = nameOf(cmd.dropUser, 'dropUser');
    existing(users, env.db, user);
    users.remove(env.db, user);
    return { ok: 1 };
  },
  grantRolesToUser: (cmd, env) => {
    const current = existing(users, env.db, nameOf(cmd.grantRolesToUser, 'grantRolesToUser'));
    users.put({ ...current, roles: uniqueRoles([...current.roles, ...rolesOf(cmd.roles, env.db)]) });
    return { ok: 1 };
  },
  revokeRolesFromUser: (cmd, env) => {
    const current = existing(users, env.db, nameOf(cmd.revokeRolesFromUser, 'revokeRolesFromUser'));
    const revoked = new Set(rolesOf(cmd.roles, env.db).map((r) => `${r.db}.${r.role}`));
    users.put({ ...current, roles: current.roles.filter((r) => !revoked.has(`${r.db}.${r.role}`)) });
    return { ok: 1 };
  },
  usersInfo: (cmd, env) => {
    const spec = cmd.usersInfo;
    let found: StoredUser[];
    if (typeof spec === 'number') found = users.list(env.db);
    else if (typeof spec === 'string') found = [users.get(env.db, spec)].filter((u) => u !== undefined);
    else if (spec && typeof spec === 'object' && !Array.isArray(spec)) {
      const doc = spec as Doc;
      found = [users.get(nameOf(doc.db, 'db'), nameOf(doc.user, 'user'))].filter((u) => u !== undefined);
    } else throw new MongoServerError(2, 'usersInfo must be 1, a user name or { user, db }');
    return { users: found.map(describe), ok: 1 };
  },
});
