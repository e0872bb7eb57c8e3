import { randomUUID } from 'node:crypto';
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

/** The conversation the request belongs to: the caller's X-Correlation-Id, else the request starts one. */
export const correlationIdOf = (req: IncomingMessage, requestId: string): string =>
  header(req, CORRELATION_ID_HEADER) ?? requestId;
