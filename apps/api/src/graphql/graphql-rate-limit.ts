import { Injectable } from '@nestjs/common';
import { InjectThrottlerStorage, ThrottlerException, type ThrottlerStorage } from '@nestjs/throttler';
import { type AuthUser } from '@shop/auth';
import { AppConfig } from '@shop/config';
import { Metrics } from '@shop/observability';
import { type FastifyReply } from 'fastify';

/** The cost one REST request is worth: a GraphQL operation counts ceil(cost / this) requests (at least 1). */
export const COST_PER_REQUEST = 50;

/**
 * The per-user rate limit, weighted by cost: an operation takes as many requests from the caller's budget
 * as its cost is worth, from the same counters as REST (the `user` limit, in Redis when REDIS_URL is set), so
 * one cheap query costs what one GET does and a page of 50 orders with their products costs several.
 */
@Injectable()
export class GraphqlRateLimit {
  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  /** `reply` gets Retry-After when refused (a subscription on a WebSocket has none: the error says it). */
  async take(user: AuthUser, cost: number, reply?: FastifyReply): Promise<void> {
    const { windowMs, perUser } = this.config.rateLimit;
    const units = Math.max(1, Math.ceil(cost / COST_PER_REQUEST));
    for (let i = 0; i < units; i += 1) {
      const record = await this.storage.increment(`user:${user.sub}`, windowMs, perUser, windowMs, 'user');
      if (record.isBlocked) {
        this.metrics.recordRateLimited('user');
        const seconds = Math.max(1, Math.ceil(record.timeToBlockExpire));
        if (reply) void reply.header('retry-after', String(seconds));
        throw new ThrottlerException(`Too many requests; retry in ${seconds} s`);
      }
    }
  }
}
