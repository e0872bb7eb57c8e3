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
  SkipThrottle,
} from '@nestjs/throttler';
import { type AuthUser } from '@shop/auth';
import { AppConfig } from '@shop/config';
import { Metrics, RATE_LIMIT_STATUS } from '@shop/observability';
import { type FastifyReply } from 'fastify';
import { WindowCounterStorage } from './rate-limit-storage';
import { RedisRateLimitStorage } from './redis-rate-limit-storage';

type ThrottledRequest = { ip: string; user?: AuthUser };

/**
 * @nestjs/throttler with two limits: per client IP (every request) and per user (JWT sub, authenticated
 * requests). Each limit has its own guard so each runs where it must: the IP limit before authentication
 * (tokenless floods are counted and turned away before they cost a signature check), the user limit after
 * it (it needs the user). Rejections answer 429 with `Retry-After` and are counted in
 * shop_rate_limit_rejections_total.
 */
abstract class SingleLimitGuard extends ThrottlerGuard {
  protected abstract readonly limiter: 'ip' | 'user';

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly metrics: Metrics,
  ) {
    super(options, storage, reflector);
  }

  /** Each guard checks only its own limit: the other one's route metadata is not looked up per request. */
  override async onModuleInit(): Promise<void> {
    await super.onModuleInit();
    this.throttlers = this.throttlers.filter((throttler) => throttler.name === this.limiter);
  }

  protected override throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    this.metrics.recordRateLimited(this.limiter);
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    void reply.header('Retry-After', String(Math.max(1, Math.ceil(detail.timeToBlockExpire))));
    return Promise.reject(
      new ThrottlerException(
        `Too many requests; retry in ${Math.max(1, Math.ceil(detail.timeToBlockExpire))} s`,
      ),
    );
  }
}

/** The per-IP limit; registered before the JWT guard (RateLimitModule is imported before AuthModule). */
@Injectable()
export class IpRateLimitGuard extends SingleLimitGuard {
  protected readonly limiter = 'ip';
}

/** The per-user limit; registered after the JWT guard (UserRateLimitModule is imported after AuthModule). */
@Injectable()
export class RateLimitGuard extends SingleLimitGuard {
  protected readonly limiter = 'user';
}

/** Exempts a route or controller (health probes, metrics scrapes) from both limits. */
export const SkipRateLimits = () => SkipThrottle({ ip: true, user: true });

const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');

/** The counters: in Redis when REDIS_URL is set (one budget for every API process), else in this process. */
@Module({
  providers: [
    {
      provide: RATE_LIMIT_STORAGE,
      inject: [AppConfig],
      useFactory: async (config: AppConfig): Promise<ThrottlerStorage> => {
        const { redisUrl } = config.rateLimit;
        if (!redisUrl) return new WindowCounterStorage();
        const storage = new RedisRateLimitStorage(redisUrl);
        // Started connected when Redis answers; otherwise the API starts anyway, counting per process.
        await storage.connected();
        return storage;
      },
    },
    { provide: RATE_LIMIT_STATUS, useExisting: RATE_LIMIT_STORAGE },
  ],
  exports: [RATE_LIMIT_STORAGE, RATE_LIMIT_STATUS],
})
class RateLimitStorageModule {}

@Module({
  imports: [
    RateLimitStorageModule,
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStorageModule],
      inject: [AppConfig, RATE_LIMIT_STORAGE],
      useFactory: (config: AppConfig, storage: ThrottlerStorage): ThrottlerModuleOptions => {
        const { windowMs, perUser, perIp } = config.rateLimit;
        return {
          storage,
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
  providers: [{ provide: APP_GUARD, useClass: IpRateLimitGuard }],
})
export class RateLimitModule {}

/** The per-user limit's guard: import after AuthModule (and after RateLimitModule, which configures it). */
@Module({ providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }] })
export class UserRateLimitModule {}
