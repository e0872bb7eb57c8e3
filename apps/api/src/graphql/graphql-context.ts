import { type AuthUser, AuthenticationRequired, InvalidTokenError, type TokenService } from '@shop/auth';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { type Loaders } from './loaders';

/** What every resolver of one GraphQL request sees. */
export interface GraphqlContext {
  req: FastifyRequest;
  reply: FastifyReply;
  /** The verified caller; undefined only until the preValidation hook has refused the request. */
  user: AuthUser | undefined;
  /** Why the caller is not authenticated (raised by the preValidation hook, before anything runs). */
  authError: Error | undefined;
  loaders: Loaders;
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i;

/**
 * The caller of a GraphQL request, verified exactly as JwtAuthGuard verifies REST calls (the same
 * TokenService, the same header). Never throws: a context that fails would fail mercurius' error handler too,
 * so the failure is kept and raised by a hook as a GraphQL error.
 */
export async function authenticate(
  tokens: TokenService,
  header: string | string[] | undefined,
): Promise<{ user?: AuthUser; error?: Error }> {
  const match = typeof header === 'string' ? BEARER.exec(header.trim()) : null;
  if (!match) return { error: new AuthenticationRequired('A bearer token is required') };
  try {
    return { user: await tokens.verify(match[1]!) };
  } catch (error) {
    if (error instanceof InvalidTokenError)
      return { error: new AuthenticationRequired(error.message, 'invalid_token') };
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }
}
