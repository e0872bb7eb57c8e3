import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectThrottlerStorage, ThrottlerException, type ThrottlerStorage } from '@nestjs/throttler';
import { type AuthUser, TokenService } from '@shop/auth';
import { AppConfig } from '@shop/config';
import { sendProblem } from '@shop/http';
import { Metrics } from '@shop/observability';
import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { authenticate } from './graphql-context';

export const GRAPHQL_PATH = '/graphql';

/**
 * The HTTP rules of REST for POST/GET /graphql, before mercurius reads the request: the per-IP limit (429),
 * then the bearer token verified by the same TokenService as JwtAuthGuard (401 problem+json with
 * WWW-Authenticate, as every guarded REST route). The verified caller is left on the request, where the
 * GraphQL context, request logs and command metadata read it.
 */
@Injectable()
export class GraphqlHttpGate implements OnModuleInit {
  constructor(
    private readonly adapter: HttpAdapterHost,
    private readonly tokens: TokenService,
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onRequest', async (request, reply) => {
      if (request.routeOptions.url !== GRAPHQL_PATH || request.method === 'OPTIONS') return;
      // A WebSocket (subscriptions) authenticates in its connection_init message: browsers send no headers.
      if (request.headers.upgrade?.toLowerCase() === 'websocket') return;
      const failure = await this.check(request, reply);
      if (failure) {
        sendProblem(failure, request, reply);
        return reply;
      }
      return undefined;
    });
  }

  private async check(request: FastifyRequest, reply: FastifyReply): Promise<Error | undefined> {
    const { windowMs, perIp } = this.config.rateLimit;
    const ip = await this.storage.increment(`ip:${request.ip}`, windowMs, perIp, windowMs, 'ip');
    if (ip.isBlocked) {
      this.metrics.recordRateLimited('ip');
      const seconds = Math.max(1, Math.ceil(ip.timeToBlockExpire));
      void reply.header('retry-after', String(seconds));
      return new ThrottlerException(`Too many requests; retry in ${seconds} s`);
    }
    const { user, error } = await authenticate(this.tokens, request.headers.authorization);
    if (!user) return error;
    (request as FastifyRequest & { user?: AuthUser }).user = user;
    return undefined;
  }
}
