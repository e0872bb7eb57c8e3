import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type AuthUser } from '@shop/auth';
import { type MessageContext } from '@shop/event-sourcing';
import { traceparentOf } from '@shop/observability';
import { type FastifyRequest } from 'fastify';
import { correlationIdOfRequest } from './request-ids';

/**
 * Who and what is behind the current request, for command metadata: correlation id (a trusted caller's
 * X-Correlation-Id, else the request id), causation = this request, user = the token's `sub`, and the
 * traceparent of the request's span so consumers of the events continue the same trace.
 */
export function messageContextOf(request: FastifyRequest): MessageContext {
  const user = (request as FastifyRequest & { user?: AuthUser }).user;
  const traceparent = traceparentOf(request);
  return {
    correlationId: correlationIdOfRequest(request),
    causationId: String(request.id),
    ...(user ? { userId: user.sub } : {}),
    ...(traceparent ? { traceparent } : {}),
  };
}

/** Param decorator: `@RequestContext() context: MessageContext`. */
export const RequestContext = createParamDecorator((_data: unknown, ctx: ExecutionContext): MessageContext =>
  messageContextOf(ctx.switchToHttp().getRequest<FastifyRequest>()),
);
