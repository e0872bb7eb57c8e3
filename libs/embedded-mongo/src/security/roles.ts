import type { Doc } from '../bson/values';

/** A role granted to a user, as mongod stores it. */
export interface RoleRef {
  role: string;
  db: string;
}

/** What a command needs on its database (or, for `cluster`, on the deployment). */
export type Privilege =
  'read' | 'write' | 'catalogRead' | 'catalogWrite' | 'dbAdmin' | 'userAdmin' | 'cluster';

/** Commands mongod runs before authentication: the handshake and the authentication itself. */
export const NO_AUTH = new Set([
  'hello',
  'ismaster',
  'isMaster',
  'ping',
  'buildInfo',
  'buildinfo',
  'saslStart',
  'saslContinue',
  'logout',
  'connectionStatus',
]);

/** Any authenticated user: session and transaction bookkeeping, and listing (filtered by mongod). */
const ANY_USER = new Set([
  'endSessions',
  'startSession',
  'refreshSessions',
  'killSessions',
  'commitTransaction',
  'abortTransaction',
  'listDatabases',
  'whatsmyuri',
  'getParameter',
  'killCursors',
  'getMore',
]);

const PRIVILEGE: Record<string, Privilege> = {
  find: 'read',
  count: 'read',
  distinct: 'read',
  aggregate: 'read',
  insert: 'write',
  update: 'write',
  delete: 'write',
  findAndModify: 'write',
  findandmodify: 'write',
  listCollections: 'catalogRead',
  listIndexes: 'catalogRead',
  collStats: 'catalogRead',
  dbStats: 'catalogRead',
  create: 'catalogWrite',
  createIndexes: 'catalogWrite',
  drop: 'catalogWrite',
  dropIndexes: 'catalogWrite',
  renameCollection: 'catalogWrite',
  collMod: 'dbAdmin',
  // enableProfiler, which dbAdmin grants (also to read the level with `profile: -1`)
  profile: 'dbAdmin',
  dropDatabase: 'dbAdmin',
  validate: 'dbAdmin',
  createUser: 'userAdmin',
  updateUser: 'userAdmin',
  dropUser: 'userAdmin',
  usersInfo: 'userAdmin',
  grantRolesToUser: 'userAdmin',
  revokeRolesFromUser: 'userAdmin',
};

/** Built-in roles by what they grant on their database; `*AnyDatabase` and `root` apply to every database. */
const GRANTS: Record<string, readonly Privilege[]> = {
  read: ['read', 'catalogRead'],
  readWrite: ['read', 'write', 'catalogRead', 'catalogWrite'],
  dbAdmin: ['catalogRead', 'catalogWrite', 'dbAdmin'],
  userAdmin: ['userAdmin'],
  dbOwner: ['read', 'write', 'catalogRead', 'catalogWrite', 'dbAdmin', 'userAdmin'],
};
const ANY_DATABASE: Record<string, readonly Privilege[]> = {
  readAnyDatabase: GRANTS.read!,
  readWriteAnyDatabase: GRANTS.readWrite!,
  dbAdminAnyDatabase: GRANTS.dbAdmin!,
  userAdminAnyDatabase: GRANTS.userAdmin!,
  clusterMonitor: ['cluster'],
  clusterAdmin: ['cluster'],
  root: ['read', 'write', 'catalogRead', 'catalogWrite', 'dbAdmin', 'userAdmin', 'cluster'],
};

export const BUILT_IN_ROLES = new Set([...Object.keys(GRANTS), ...Object.keys(ANY_DATABASE)]);

/** `$out`/`$merge` make an aggregate a write. */
const writesFromAggregate = (cmd: Doc): boolean =>
  Array.isArray(cmd.pipeline) &&
  cmd.pipeline.some((stage) => stage && typeof stage === 'object' && ('$out' in stage || '$merge' in stage));

/** The privilege a command needs; commands not listed need the cluster privilege (root), the safe default. */
export const privilegeFor = (name: string, cmd: Doc): Privilege | 'any' => {
  if (ANY_USER.has(name)) return 'any';
  if (name === 'aggregate' && writesFromAggregate(cmd)) return 'write';
  return PRIVILEGE[name] ?? 'cluster';
};

export const grants = (roles: readonly RoleRef[], privilege: Privilege, db: string): boolean =>
  roles.some((ref) => {
    const anywhere = ref.db === 'admin' ? ANY_DATABASE[ref.role] : undefined;
    if (anywhere?.includes(privilege)) return true;
    return ref.db === db && (GRANTS[ref.role]?.includes(privilege) ?? false);
  });
