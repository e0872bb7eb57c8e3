import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import { token } from '../session';

/** An answer the API refused, with its problem+json detail (RFC 9457) when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

const bearer: Middleware = {
  onRequest({ request }) {
    const current = token();
    if (current) request.headers.set('Authorization', `Bearer ${current}`);
    return request;
  },
};

/** Typed from the API's own OpenAPI document (schema.d.ts): a renamed path or parameter fails typecheck. */
export const api = createClient<paths>({ baseUrl: location.origin });
api.use(bearer);

interface Answer {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/**
 * The body of a successful answer as `T`, or an ApiError. The document describes paths and parameters;
 * response bodies are typed in ./types (the API does not describe them yet).
 */
export async function body<T>(answer: Promise<Answer>): Promise<T> {
  const { data, error, response } = await answer;
  if (response.ok) return data as T;
  const problem = (error ?? {}) as { detail?: string; title?: string; code?: string; message?: string };
  throw new ApiError(
    response.status,
    problem.detail ?? problem.message ?? problem.title ?? `${response.status} ${response.statusText}`,
    problem.code,
  );
}
