import { randomUUID } from 'node:crypto';
import { type FastifyRequest } from 'fastify';
import { type IncomingMessage } from 'node:http';

/** Ids we accept from clients: opaque, short, and safe to put in logs and headers. */
const WELL_FORMED_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export const REQUEST_ID_HEADER = 'x-request-id';
export const CORRELATION_ID_HEADER = 'x-correlation-id';

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return typeof value === 'string' && WELL_FORMED_ID.test(value) ? value : undefined;
};

/** Fastify `genReqId`: the caller's X-Request-Id when well-formed, else a new UUID. */
export const requestIdOf = (req: IncomingMessage): string => header(req, REQUEST_ID_HEADER) ?? randomUUID();

/** The caller's X-Correlation-Id when well-formed; whether it is adopted depends on who the caller is. */
export const callerCorrelationIdOf = (req: IncomingMessage): string | undefined =>
  header(req, CORRELATION_ID_HEADER);

/**
 * Roles whose X-Correlation-Id is adopted: staff and their tools, which continue conversations they started
 * elsewhere. Anyone else could put their requests into another customer's trace (or theirs into ours), so
 * for them the request starts its own conversation and the caller's value is only logged, as
 * `callerCorrelationId`.
 */
export const CORRELATION_TRUSTED_ROLES: readonly string[] = ['admin', 'clerk'];

/** The conversation the request belongs to: a trusted caller's X-Correlation-Id, else the request id. */
export const correlationIdFor = (
  callerCorrelationId: string | undefined,
  roles: readonly string[] | undefined,
  requestId: string,
): string =>
  callerCorrelationId && roles?.some((role) => CORRELATION_TRUSTED_ROLES.includes(role))
    ? callerCorrelationId
    : requestId;

/** `correlationIdFor` of a request whose guards have run (its `user` is set when it was authenticated). */
export const correlationIdOfRequest = (request: FastifyRequest): string => {
  const roles = (request as FastifyRequest & { user?: { roles?: readonly string[] } }).user?.roles;
  request.correlationId = correlationIdFor(request.callerCorrelationId, roles, String(request.id));
  return request.correlationId;
};
