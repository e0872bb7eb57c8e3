import {
  type OpenAPIObject,
  type OperationObject,
  type ParameterObject,
  type ReferenceObject,
  type ResponseObject,
  type SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { PROBLEM_CONTENT_TYPE } from '@shop/http';

/** RFC 9457 problem details as this API sends them (see libs/http). */
const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'instance', 'code'],
  properties: {
    type: { type: 'string', format: 'uri', example: 'https://eventshop.dev/problems/validation_failed' },
    title: { type: 'string', example: 'Bad Request' },
    status: { type: 'integer', example: 400 },
    detail: { type: 'string', example: 'priceCents is required' },
    instance: { type: 'string', example: '/v1/products' },
    code: { type: 'string', description: 'Stable machine-readable code; switch on this', example: 'invalid' },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      description: 'Field problems (validation)',
      items: {
        type: 'object',
        required: ['field', 'messages'],
        properties: {
          field: { type: 'string', example: 'lines.0.quantity' },
          messages: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    details: { type: 'object', description: 'Facts about a refused command (ids, revisions, amounts)' },
  },
};

const WHY: Record<number, string> = {
  400: 'Invalid request: malformed parameters, body or headers',
  401: 'Missing, invalid or expired bearer token',
  403: 'The token’s role may not do this, or the resource belongs to another customer',
  404: 'No such resource',
  409: 'A business rule refused the command, or the view has not caught up with ?position= yet',
  412: 'If-Match names a revision the resource is no longer at',
  413: 'Body too large',
  415: 'Body is not application/json',
  422: 'Idempotency-Key reused with a different request, or the request names something that does not exist',
  429: 'Rate limit reached; Retry-After says when to try again',
  500: 'Unexpected server error (nothing leaks; quote the requestId)',
  503: 'A dependency is unavailable; Retry-After says when to try again',
};

const problemResponse = (status: number, description?: string): ResponseObject => ({
  description: description && description !== '' ? description : (WHY[status] ?? 'Error'),
  content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
});

const isPublicPath = (path: string): boolean => path.startsWith('/health');

const hasHeader = (operation: OperationObject, name: string): boolean =>
  (operation.parameters ?? []).some(
    (p: ParameterObject | ReferenceObject) =>
      'in' in p && p.in === 'header' && p.name.toLowerCase() === name.toLowerCase(),
  );

/** The error statuses an operation can answer, from what every route shares and what this one takes. */
function errorStatuses(path: string, method: string, operation: OperationObject): number[] {
  if (isPublicPath(path)) return path.endsWith('/ready') ? [503] : [];
  const statuses = [400, 401, 403, 429, 500, 503];
  if (path.includes('{')) statuses.push(404);
  const reads = method === 'get';
  const readsPosition = (operation.parameters ?? []).some(
    (p: ParameterObject | ReferenceObject) => 'name' in p && p.name === 'position',
  );
  if (!reads) statuses.push(409, 413, 415);
  if (reads && readsPosition) statuses.push(409);
  if (hasHeader(operation, 'Idempotency-Key') || path === '/v1/orders') statuses.push(422);
  if (hasHeader(operation, 'If-Match')) statuses.push(412);
  return [...new Set(statuses)].sort((a, b) => a - b);
}

/**
 * Every operation documents its error answers with the problem schema (keeping any description a route gave),
 * and public ones (health) drop the document-wide bearer requirement so Try-it-out works without a token.
 */
export function documentProblems(document: OpenAPIObject): OpenAPIObject {
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, Problem: PROBLEM_SCHEMA },
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (!operation) continue;
      if (isPublicPath(path)) operation.security = [];
      const responses = operation.responses;
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) >= 400) {
          responses[status] = problemResponse(Number(status), (response as ResponseObject).description);
        }
      }
      for (const status of errorStatuses(path, method, operation)) {
        responses[String(status)] ??= problemResponse(status);
      }
    }
  }
  return document;
}
