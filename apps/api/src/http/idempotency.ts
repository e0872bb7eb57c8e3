import { createHash } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { type AuthUser } from '@shop/auth';
import { type CommandMetadata } from '@shop/event-sourcing';
import { type FastifyRequest } from 'fastify';
import { parseIdempotencyKey } from './command-headers';

/** What a command needs to be idempotent for its caller. */
export interface CommandIdempotency {
  /** The key as the client sent it (what creation ids are derived from, together with the caller). */
  readonly clientKey: string;
  /**
   * The key the command carries: the client's key scoped to the caller (`<key>@<sub>`; keys cannot contain
   * `@`, so the split is unambiguous), so two callers using the same key never share a result.
   */
  readonly key: string;
  /** sha256 of method, path and body: the same key with another request is refused (422). */
  readonly fingerprint: string;
}

/** The command metadata fields for `idempotency` (none without a key). */
export const idempotencyMetadata = (
  idempotency: CommandIdempotency | undefined,
): Pick<CommandMetadata, 'idempotencyKey' | 'requestFingerprint'> =>
  idempotency ? { idempotencyKey: idempotency.key, requestFingerprint: idempotency.fingerprint } : {};

/** JSON with object keys sorted, so `{"a":1,"b":2}` and `{"b":2,"a":1}` are the same request. */
export const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
};

export const requestFingerprint = (method: string, path: string, body: unknown): string =>
  createHash('sha256')
    .update(`${method.toUpperCase()}\n${path}\n${body === undefined ? '' : canonicalJson(body)}`)
    .digest('base64url');

export function idempotencyOf(request: FastifyRequest): CommandIdempotency | undefined {
  const header = request.headers['idempotency-key'];
  const clientKey = parseIdempotencyKey(typeof header === 'string' ? header : undefined);
  if (clientKey === undefined) return undefined;
  const user = (request as FastifyRequest & { user?: AuthUser }).user;
  const path = request.url.split('?')[0] ?? request.url;
  return {
    clientKey,
    key: `${clientKey}@${user?.sub ?? 'anonymous'}`,
    fingerprint: requestFingerprint(request.method, path, request.body),
  };
}

/**
 * `@Idempotency() idempotency: CommandIdempotency | undefined`: the request's Idempotency-Key, scoped to the
 * caller and bound to a fingerprint of the request (400 when the header is malformed).
 */
export const Idempotency = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): CommandIdempotency | undefined =>
    idempotencyOf(ctx.switchToHttp().getRequest<FastifyRequest>()),
);

/** OpenAPI description of the Idempotency-Key header, the same on every command. */
export const ApiIdempotencyKey = (): MethodDecorator & ClassDecorator =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      '8-128 letters, digits, dots, colons, dashes or underscores. A retry with the same key, by the same ' +
      'caller, with the same method, path and body returns the original result (header ' +
      '`Idempotent-Replayed: true`) and changes nothing; the same key with a different request is refused ' +
      '(422 `idempotency_key_reused`). Keys are scoped per caller (token `sub`): two callers never share one.',
  });
