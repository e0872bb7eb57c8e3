import { ValidationError } from '@shop/event-sourcing';
import { v5 as uuidv5 } from 'uuid';

const ETAG = /^(?:W\/)?"?(\d{1,19})"?$/;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;
// Namespace for ids derived from idempotency keys (a fixed, project-specific UUID).
const ID_NAMESPACE = '6c1a0e38-52f4-4f51-9d2b-7e3f0c9d1a47';

/**
 * `If-Match: "3"` -> 3n: the command then applies only if the aggregate is still at revision 3.
 * `If-Match: *` asks only that the aggregate exists, which every command on an existing aggregate already
 * requires (a missing one answers 404): no revision constraint.
 */
export function parseIfMatch(header: string | undefined): bigint | undefined {
  if (header === undefined || header === '' || header.trim() === '*') return undefined;
  const match = ETAG.exec(header.trim());
  if (!match) {
    throw new ValidationError('invalid_if_match', 'If-Match must be an ETag returned by this API, e.g. "3"', {
      header: header.slice(0, 64),
    });
  }
  return BigInt(match[1]!);
}

/** `Idempotency-Key`: the same key makes a retried command return the original response, appending nothing. */
export function parseIdempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  if (!IDEMPOTENCY_KEY.test(header)) {
    throw new ValidationError(
      'invalid_idempotency_key',
      'Idempotency-Key must be 8-128 letters, digits, dots, colons, dashes or underscores',
    );
  }
  return header;
}

/**
 * The id of an aggregate a command creates: random, or derived from the caller's idempotency key so that a
 * retry of the same creation addresses the same stream (and gets the original result). Keys are scoped per
 * user and per kind of aggregate, so two clients can never collide.
 */
export function creationId(
  kind: string,
  userId: string | undefined,
  idempotencyKey: string | undefined,
): string {
  if (idempotencyKey === undefined) return crypto.randomUUID();
  const user = userId ?? 'anonymous';
  // `kind:user:key` is unambiguous only when neither part holds a colon, and then it stays as it always was
  // (existing streams keep their ids). Otherwise the parts are length-prefixed after a NUL, which no subject
  // or key can contain: `tenant` + `alice:k` and `tenant:alice` + `k` no longer name the same stream.
  if (!user.includes(':') && !idempotencyKey.includes(':'))
    return uuidv5(`${kind}:${user}:${idempotencyKey}`, ID_NAMESPACE);
  const encoded = [kind, user, idempotencyKey].map((part) => `${part.length}:${part}`).join('');
  return uuidv5(`\u0000${encoded}`, ID_NAMESPACE);
}
