import { ForbiddenException } from '@nestjs/common';
import { type AuthUser, type Role } from './roles';

/**
 * Customers see only their own data: passes when the caller is that customer, or holds one of `roles`
 * (by default every role that may see any customer's data). Throws 403 otherwise.
 */
export function assertOwnerOrRole(
  user: AuthUser,
  customerId: string,
  roles: readonly Role[] = ['clerk', 'admin', 'auditor'],
): void {
  if (user.sub === customerId || user.roles.some((role) => roles.includes(role))) return;
  throw new ForbiddenException('This resource belongs to another customer');
}
