import { type AuthUser } from '@shop/auth';
import { ValidationError } from '@shop/event-sourcing';
import { parseIdempotencyKey } from '../http/command-headers';
import { type CommandIdempotency, requestFingerprint } from '../http/idempotency';

/**
 * A mutation's idempotency key, with REST's rules (8-128 characters, scoped to the caller) and a fingerprint
 * of the mutation and its input: the same key with another input is refused (idempotency_key_reused).
 */
export function mutationIdempotency(
  key: string | null | undefined,
  user: AuthUser,
  mutation: string,
  input: unknown,
): CommandIdempotency | undefined {
  const clientKey = parseIdempotencyKey(key ?? undefined);
  if (clientKey === undefined) return undefined;
  return {
    clientKey,
    key: `${clientKey}@${user.sub}`,
    fingerprint: requestFingerprint('GRAPHQL', mutation, input),
  };
}

const REVISION = /^\d{1,19}$/;

/** `expectedRevision` ("3", a revision a query or mutation returned): REST's If-Match. */
export function expectedRevisionOf(value: string | null | undefined): bigint | undefined {
  if (value === undefined || value === null) return undefined;
  if (!REVISION.test(value)) {
    throw new ValidationError(
      'invalid_expected_revision',
      'expectedRevision must be a revision returned by this API, e.g. "3"',
    );
  }
  return BigInt(value);
}
