import { type ExecutionContext, Injectable, Module } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerException,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  ThrottlerModule,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { type AuthUser } from '@shop/auth';
import { AppConfig } from '@shop/config';
import { Metrics } from '@shop/observability';
import { type FastifyReply } from 'fastify';
import { WindowCounterStorage } from './rate-limit-storage';

type ThrottledRequest = { ip: string; user?: AuthUser };

/**
 * @nestjs/throttler with two limits: per client IP (every request) and per user (JWT sub, authenticated
 * requests). Rejections answer 429 with `Retry-After` and are counted in shop_rate_limit_rejections_total.
 * Runs after the JWT guard (AuthModule is imported first), so the user is known.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly metrics: Metrics,
  ) {
    super(options, storage, reflector);
  }

  protected override throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    this.metrics.recordRateLimited(detail.tracker.startsWith('user:') ? 'user' : 'ip');
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    void reply.header('Retry-After', String(Math.max(1, Math.ceil(detail.timeToBlockExpire))));
    return Promise.reject(
      new ThrottlerException(
        `Too many requests; retry in ${Math.max(1, Math.ceil(detail.timeToBlockExpire))} s`,
      ),
    );
  }
}

@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig): ThrottlerModuleOptions => {
        const { windowMs, perUser, perIp } = config.rateLimit;
        return {
          storage: new WindowCounterStorage(),
          // One budget per user and per IP across all routes (the default key is per route and hashed).
          generateKey: (_context, tracker) => tracker,
          throttlers: [
            {
              name: 'ip',
              ttl: windowMs,
              limit: perIp,
              getTracker: (req: Record<string, unknown>) => `ip:${(req as ThrottledRequest).ip}`,
            },
            {
              name: 'user',
              ttl: windowMs,
              limit: perUser,
              getTracker: (req: Record<string, unknown>) => `user:${(req as ThrottledRequest).user?.sub}`,
              skipIf: (ctx) => ctx.switchToHttp().getRequest<ThrottledRequest>().user === undefined,
            },
          ],
        };
      },
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
})
export class RateLimitModule {}
