import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type ThrottlerStorage } from '@nestjs/throttler';
import { type RateLimitStatus } from '@shop/observability';
import Redis from 'ioredis';
import { WindowCounterStorage } from './rate-limit-storage';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * The same fixed window with blocking as WindowCounterStorage, as one atomic script on Redis, so every API
 * process counts into one budget. Time is the Redis server's (TIME), so instances with skewed clocks agree.
 * KEYS[1]: the counter; ARGV: window ms, limit, block ms. Returns hits, window end, block end, blocked.
 */
const INCREMENT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl, limit, block = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local w = redis.call('HMGET', KEYS[1], 'e', 'h', 'b')
local endsAt, hits, blocked = tonumber(w[1]), tonumber(w[2]) or 0, tonumber(w[3]) or 0
if not endsAt or (now >= endsAt and now >= blocked) then
  endsAt, hits, blocked = now + ttl, 0, 0
elseif now >= endsAt then
  endsAt, hits = now + ttl, 0
end
if blocked > now then
  return {limit + 1, endsAt - now, blocked - now, 1}
end
hits = hits + 1
local isBlocked = 0
if hits > limit then
  blocked = now + math.max(block, 1)
  isBlocked = 1
end
redis.call('HSET', KEYS[1], 'e', endsAt, 'h', hits, 'b', blocked)
redis.call('PEXPIRE', KEYS[1], math.max(endsAt, blocked) - now + 1000)
return {hits, endsAt - now, math.max(blocked - now, 0), isBlocked}
`;

const KEY_PREFIX = 'eventshop:ratelimit:';
const seconds = (ms: number): number => Math.max(0, Math.ceil(ms / 1000));

type IncrementReply = [number, number, number, number];
interface ScriptedRedis extends Redis {
  rateLimitIncrement(key: string, ttl: number, limit: number, block: number): Promise<IncrementReply>;
}

/**
 * Rate-limit counters shared by every API process through Redis (REDIS_URL). Fails open, but visibly: while
 * Redis does not answer, requests are counted per process (the in-memory storage), readiness reports
 * `rateLimits` as in-process and degraded with the reason, and a log line says so once per change. Commands time out
 * quickly and are not queued while disconnected, so an outage costs a request no more than that timeout.
 */
export class RedisRateLimitStorage implements ThrottlerStorage, OnApplicationShutdown, RateLimitStatus {
  private readonly logger = new Logger('RateLimits');
  private readonly redis: ScriptedRedis;
  private readonly local = new WindowCounterStorage();
  private failing?: string;

  constructor(url: string, options: { commandTimeoutMs?: number } = {}) {
    this.redis = new Redis(url, {
      lazyConnect: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 250,
      connectTimeout: 2_000,
      connectionName: 'eventshop rate limits',
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    }) as ScriptedRedis;
    this.redis.defineCommand('rateLimitIncrement', { numberOfKeys: 1, lua: INCREMENT });
    // Connection errors are reported through the requests that fall back, not as unhandled events.
    this.redis.on('error', () => undefined);
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    try {
      const id = `${KEY_PREFIX}${throttlerName}:${key}`;
      const [totalHits, expiresMs, blockMs, blocked] = await this.redis.rateLimitIncrement(
        id,
        ttl,
        limit,
        blockDuration,
      );
      this.recovered();
      return {
        totalHits,
        timeToExpire: seconds(expiresMs),
        isBlocked: blocked === 1,
        timeToBlockExpire: blocked === 1 ? seconds(blockMs) : 0,
      };
    } catch (error) {
      this.failed(error);
      return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
    }
  }

  /** Resolves once connected, or after `timeoutMs` (then requests count per process until Redis answers). */
  async connected(timeoutMs = 2_000): Promise<boolean> {
    if (this.redis.status === 'ready') return true;
    let timer: NodeJS.Timeout | undefined;
    const ready = await Promise.race([
      new Promise<boolean>((resolve) => this.redis.once('ready', () => resolve(true))),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!ready) this.failed(new Error(`no connection within ${timeoutMs} ms`));
    return ready;
  }

  describe(): { store: 'redis' | 'in-process'; degraded?: string } {
    return this.failing === undefined ? { store: 'redis' } : { store: 'in-process', degraded: this.failing };
  }

  async onApplicationShutdown(): Promise<void> {
    this.local.close();
    this.redis.disconnect();
    await Promise.resolve();
  }

  private failed(error: unknown): void {
    const reason = `Redis did not answer (${error instanceof Error ? error.message : String(error)})`;
    if (this.failing === undefined)
      this.logger.warn(`${reason}: rate limits are counted per process until it is back`);
    this.failing = reason;
  }

  private recovered(): void {
    if (this.failing === undefined) return;
    this.failing = undefined;
    this.logger.log('Redis answers again: rate limits are shared across processes');
  }
}
