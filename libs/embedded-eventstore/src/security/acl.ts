import type { Principal } from './users';

/** The operations a stream ACL grants, keyed as in `$acl` metadata. */
export type StreamOperation = '$r' | '$w' | '$d' | '$mr' | '$mw';

const ADMINS = '$admins';
const EVERYONE = '$all';

/** A fresh node's defaults (`$settings`): user streams open to everyone, system streams to admins. */
const defaultRoles = (stream: string): readonly string[] => (stream.startsWith('$') ? [ADMINS] : [EVERYONE]);

const rolesOf = (value: unknown): readonly string[] | undefined => {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((role) => typeof role === 'string')) return value;
  return undefined;
};

/** Default ACLs an operator set in `$settings` (`$userStreamAcl`, `$systemStreamAcl`), per operation. */
export interface DefaultAcls {
  $userStreamAcl?: unknown;
  $systemStreamAcl?: unknown;
}

const rolesIn = (acl: unknown, operation: StreamOperation): readonly string[] | undefined =>
  acl && typeof acl === 'object' ? rolesOf((acl as Record<string, unknown>)[operation]) : undefined;

/**
 * Whether `principal` may do `operation` on `stream` given the stream's `$acl` metadata. Admins may do
 * everything; anonymous callers nothing (the real server's default since anonymous stream access was
 * turned off). A key missing from `$acl` falls back to the default for that kind of stream: `$settings`,
 * else a fresh node's.
 */
export const allowed = (
  principal: Principal | undefined,
  stream: string,
  operation: StreamOperation,
  acl: unknown,
  defaults: DefaultAcls = {},
): boolean => {
  if (!principal) return false;
  if (principal.groups.includes(ADMINS)) return true;
  const roles =
    rolesIn(acl, operation) ??
    rolesIn(stream.startsWith('$') ? defaults.$systemStreamAcl : defaults.$userStreamAcl, operation) ??
    defaultRoles(stream);
  return roles.some(
    (role) => role === EVERYONE || role === principal.login || principal.groups.includes(role),
  );
};

/** A metastream `$$s` is governed by `s`'s metadata rights, not by its own read/write rights. */
export const targetOf = (
  stream: string,
  operation: '$r' | '$w',
): { stream: string; operation: StreamOperation } =>
  stream.startsWith('$$')
    ? { stream: stream.slice(2), operation: operation === '$r' ? '$mr' : '$mw' }
    : { stream, operation };
