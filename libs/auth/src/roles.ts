/** The roles a token can carry. Staff: clerk, admin. Auditors read everything and change nothing. */
export const ROLES = ['customer', 'clerk', 'admin', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role => ROLES.includes(value as Role);

/** The authenticated caller, from a verified token: `sub` is the user (for a customer, the customer id). */
export interface AuthUser {
  readonly sub: string;
  readonly roles: readonly Role[];
}
