import { type AuthUser, type TokenService } from '@shop/auth';
import { type ChangeBus, closeReasons, type CloseReason, type LiveConnection } from '@shop/live';
import { decodeJwt } from 'jose';
import { authenticate } from './graphql-context';
import { GraphqlLimitError } from './graphql-errors';

/** What a WebSocket's GraphQL context holds once `connection_init` was accepted. */
export interface SubscriptionContext {
  user?: AuthUser;
  authError?: Error;
  live?: LiveConnection;
  socket?: { close(code?: number, reason?: string): void };
  /** Set when the user already holds LIVE_MAX_CONNECTIONS_PER_USER live connections. */
  tooMany?: Error;
}

/**
 * WebSocket close codes (graphql-ws uses 4400-4499 for its own): a connection whose token expired, or that
 * was too slow, ends with a code and a reason a client can act on, never silently.
 */
const CLOSE_CODES: Record<CloseReason['code'], number> = {
  'token-expired': 4403,
  'slow-consumer': 4408,
  'shutting-down': 1001,
  unsubscribed: 1000,
  'transport-closed': 1000,
};

/** The token in connection_init's payload: `{ authorization: "Bearer ..." }` (or under `headers`). */
const authorizationOf = (payload: unknown): string | undefined => {
  const record = (payload ?? {}) as Record<string, unknown>;
  const headers = (record.headers ?? record) as Record<string, unknown>;
  const value = headers.authorization ?? headers.Authorization;
  return typeof value === 'string' ? value : undefined;
};

/**
 * connection_init: the same JWT as HTTP (the same TokenService), one live connection on the bus per socket,
 * counted against the user's limit and closed when the token expires. Without a valid token the socket is
 * accepted but every subscription on it fails UNAUTHENTICATED (mercurius' refusal, `connection_error`, is
 * not a graphql-transport-ws message: clients would only see a protocol error).
 */
export async function acceptConnection(
  tokens: TokenService,
  bus: ChangeBus,
  payload: unknown,
): Promise<SubscriptionContext> {
  const authorization = authorizationOf(payload);
  const { user, error } = await authenticate(tokens, authorization);
  if (!user) return { authError: error };
  const { exp } = decodeJwt(authorization!.replace(/^Bearer\s+/i, ''));
  try {
    return { user, live: bus.connect(user.sub, exp === undefined ? undefined : new Date(exp * 1000)) };
  } catch (failure) {
    // Beyond the per-user connection limit: subscriptions fail RATE_LIMITED-like (429) with the reason.
    return { user, authError: undefined, live: undefined, tooMany: failure as Error };
  }
}

/** The socket follows its live connection: an expired token or a shutdown closes it with its reason. */
export function bindSocket(context: SubscriptionContext): void {
  const { live, socket } = context;
  if (!live || !socket || (live as LiveConnection & { bound?: true }).bound) return;
  (live as LiveConnection & { bound?: true }).bound = true;
  void live.closed.then((reason) => {
    if (reason.code === 'transport-closed') return;
    socket.close(CLOSE_CODES[reason.code], reason.message.slice(0, 120));
  });
}

/** Open subscriptions per socket (the socket object is the one mercurius hands its context function). */
const openSubscriptions = new WeakMap<object, number>();

/**
 * Counts one more subscription on the context's socket, refused (TOO_MANY_SUBSCRIPTIONS) beyond `max`; the
 * returned function gives the slot back (once).
 */
export function holdSubscription(context: SubscriptionContext, max: number): () => void {
  const key = context.socket ?? context;
  const open = openSubscriptions.get(key) ?? 0;
  if (open >= max)
    throw new GraphqlLimitError(
      `This connection already holds ${open} subscriptions; at most ${max} are allowed: complete one first`,
      'TOO_MANY_SUBSCRIPTIONS',
      { subscriptions: open, maxSubscriptions: max },
    );
  openSubscriptions.set(key, open + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    openSubscriptions.set(key, Math.max(0, (openSubscriptions.get(key) ?? 1) - 1));
  };
}

export const releaseConnection = (context: SubscriptionContext): void =>
  context.live?.close(closeReasons.transportClosed());
