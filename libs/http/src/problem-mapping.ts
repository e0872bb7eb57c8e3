import { HttpException } from '@nestjs/common';
import { type ErrorCategory, isDomainError } from '@shop/event-sourcing';
import { type Dependency, unavailableDependency } from './dependency-errors';
import { type ProblemDetails, problemType, statusCode, statusTitle } from './problem';
import { RequestValidationError } from './request-validation';

const CATEGORY_STATUS: Record<ErrorCategory, number> = {
  validation: 400,
  not_found: 404,
  unprocessable: 422,
  rule_violated: 409,
  concurrency: 412,
  unavailable: 503,
};

export interface MappedProblem {
  problem: Omit<ProblemDetails, 'instance'>;
  headers: Record<string, string>;
  /** True when the error is not one we raised on purpose: log it, show nothing of it. */
  unexpected: boolean;
}

/**
 * The one mapping from anything thrown to a problem document: domain errors by category, Nest HTTP
 * exceptions (guards, pipes, throttling) by status, Fastify's own errors (body limit, bad JSON) by their
 * status, the database clients' "cannot reach the server" errors as 503, and everything else as an opaque 500.
 */
export function toProblem(error: unknown): MappedProblem {
  const mapped = mapError(error);
  // Every 503 is "retry later": say when, so clients and proxies back off instead of hammering.
  if (mapped.problem.status === 503) mapped.headers['retry-after'] ??= String(DEFAULT_RETRY_AFTER_SECONDS);
  return mapped;
}

/** Seconds a client is told to wait before retrying a 503 whose cause gave no better estimate. */
export const DEFAULT_RETRY_AFTER_SECONDS = 2;

const DEPENDENCY_NAMES: Record<Dependency, string> = { mongodb: 'MongoDB', eventstore: 'EventStoreDB' };

function mapError(error: unknown): MappedProblem {
  const headers: Record<string, string> = {};
  if (error instanceof RequestValidationError) {
    return {
      problem: base(400, 'validation_failed', 'The request is invalid; see errors', { errors: error.errors }),
      headers,
      unexpected: false,
    };
  }
  if (isDomainError(error)) {
    const status = CATEGORY_STATUS[error.category];
    const retryAfter = error.details.retryAfterSeconds;
    if (typeof retryAfter === 'number') headers['retry-after'] = String(Math.ceil(retryAfter));
    const details = Object.keys(error.details).length > 0 ? { details: error.details } : {};
    return { problem: base(status, error.code, error.message, details), headers, unexpected: false };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 401) {
      const bearerError = (error as { bearerError?: string }).bearerError;
      headers['www-authenticate'] =
        `Bearer realm="eventshop"${bearerError ? `, error="${bearerError}"` : ''}`;
    }
    if (status === 503) {
      // e.g. terminus' readiness result: which dependency is down is the point of the answer.
      const response = error.getResponse();
      const checks = typeof response === 'object' && 'details' in response ? { checks: response } : {};
      return {
        problem: base(503, 'unavailable', 'The service is not ready; retry later', checks),
        headers,
        unexpected: false,
      };
    }
    if (status >= 500) return internal(headers);
    return { problem: base(status, statusCode(status), httpMessage(error)), headers, unexpected: false };
  }
  const dependency = unavailableDependency(error);
  if (dependency) {
    // The client's message names hosts and ports: say only which dependency, never how it failed.
    const detail = `${DEPENDENCY_NAMES[dependency]} is unavailable; retry later`;
    return { problem: base(503, `${dependency}_unavailable`, detail), headers, unexpected: false };
  }
  const fastifyStatus = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
    const fastifyCode = (error as { code?: unknown }).code;
    return {
      problem: base(fastifyStatus, statusCode(fastifyStatus), fastifyDetail(fastifyStatus, fastifyCode)),
      headers,
      unexpected: false,
    };
  }
  return internal(headers);
}

const base = (status: number, code: string, detail: string, extra: Partial<ProblemDetails> = {}) => ({
  type: problemType(code),
  title: statusTitle(status),
  status,
  detail,
  code,
  ...extra,
});

const internal = (headers: Record<string, string>): MappedProblem => ({
  problem: base(
    500,
    'internal_error',
    'An unexpected error occurred; it has been logged with the request id',
  ),
  headers,
  unexpected: true,
});

/** The exception's own message (ours are written for clients); never an object dump. */
function httpMessage(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.filter((m) => typeof m === 'string').join('; ');
  return error.message;
}

/** Fastify's messages can quote the payload; ours do not. */
function fastifyDetail(status: number, code: unknown): string {
  if (status === 413) return 'The request body is too large';
  if (status === 415) return 'Send application/json';
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'The request body is empty';
  if (status === 400) return 'The request body is not valid JSON';
  return statusTitle(status);
}
