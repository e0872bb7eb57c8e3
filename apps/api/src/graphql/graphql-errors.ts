import { Catch, Logger } from '@nestjs/common';
import { type GqlExceptionFilter } from '@nestjs/graphql';
import { toProblem } from '@shop/http';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { type GraphqlContext } from './graphql-context';

/** extensions.code of each problem status: what GraphQL clients switch on (the REST code is `reason`). */
const STATUS_CODES: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'RULE_VIOLATED',
  412: 'CONCURRENCY_CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

/** An error our own limits raise (depth, cost, aliases, introspection): already a client-facing message. */
export class GraphqlLimitError extends GraphQLError {
  constructor(message: string, code: string, details: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...details } });
  }
}

const logger = new Logger('GraphQL');

/** Errors mercurius wraps (validation, parsing) carry the GraphQL errors that say what was wrong. */
const unwrap = (error: GraphQLError): GraphQLError[] => {
  const original = error.originalError as { errors?: unknown; code?: unknown } | undefined;
  const inner = original?.errors;
  if (typeof original?.code === 'string' && original.code.startsWith('MER_ERR_') && Array.isArray(inner))
    return inner.map((e) => (e instanceof GraphQLError ? e : new GraphQLError(String((e as Error).message))));
  return [error];
};

/**
 * One GraphQL error: the original error through REST's problem mapping (libs/http), as
 * `extensions: { code, reason, status, details?, errors? }`; the message is the problem's detail. GraphQL's
 * own errors (syntax, unknown field, our limits) are VALIDATION_FAILED unless they name their code. Never a
 * stack trace or an internal message: unexpected errors are logged and answered INTERNAL_SERVER_ERROR.
 */
export function formatGraphqlError(
  error: GraphQLError,
  requestId: string | undefined,
): { error: GraphQLError; headers: Record<string, string> } {
  const original = error.originalError;
  const where = { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path };
  if (!original || original instanceof GraphQLError) {
    const code = typeof error.extensions.code === 'string' ? error.extensions.code : 'VALIDATION_FAILED';
    const status = code === 'RATE_LIMITED' ? 429 : 400;
    return {
      error: new GraphQLError(error.message, { ...where, extensions: { ...error.extensions, code, status } }),
      headers: {},
    };
  }
  const { problem, headers, unexpected } = toProblem(original);
  if (unexpected)
    logger.error(
      { err: original, requestId },
      `Unhandled error in GraphQL ${error.path?.join('.') ?? 'request'}`,
    );
  const code = unexpected ? 'INTERNAL_SERVER_ERROR' : (STATUS_CODES[problem.status] ?? 'ERROR');
  const extensions = {
    code,
    reason: problem.code,
    status: problem.status,
    ...(problem.errors ? { errors: problem.errors } : {}),
    ...(problem.details ? { details: problem.details } : {}),
    ...(requestId ? { requestId } : {}),
  };
  return { error: new GraphQLError(problem.detail, { ...where, extensions }), headers };
}

/**
 * mercurius' errorFormatter. HTTP status: 200 when there is data (GraphQL over HTTP: field errors sit next to
 * it); a request refused as a whole answers its error's status (401, 429, 400 ...), with Retry-After on 429.
 */
export function graphqlErrorFormatter(
  execution: ExecutionResult & { errors: readonly GraphQLError[] },
  context: Partial<GraphqlContext>,
): { statusCode: number; response: ExecutionResult } {
  const requestId = context.req ? String(context.req.id) : undefined;
  const formatted = execution.errors.flatMap(unwrap).map((e) => formatGraphqlError(e, requestId));
  const errors = formatted.map((f) => f.error);
  const first = errors[0]?.extensions.status;
  const refused = !execution.data && typeof first === 'number' && first < 500;
  // A request refused as a whole carries its problem's headers (WWW-Authenticate, Retry-After).
  if (refused && context.reply) void context.reply.headers(formatted[0]!.headers);
  return { statusCode: refused ? first : 200, response: { data: execution.data ?? null, errors } };
}

/**
 * Subscriptions' errors reach the client through mercurius' WebSocket code, not its errorFormatter: mapped
 * here instead (on the subscription resolvers), so a refused subscription carries the same extensions.
 */
@Catch()
export class SubscriptionErrorFilter implements GqlExceptionFilter {
  catch(exception: unknown): GraphQLError {
    const original = exception instanceof Error ? exception : new Error(String(exception));
    return formatGraphqlError(new GraphQLError(original.message, { originalError: original }), undefined)
      .error;
  }
}
