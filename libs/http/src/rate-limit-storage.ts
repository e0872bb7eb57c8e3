import { type OnApplicationShutdown } from '@nestjs/common';
import { type ThrottlerStorage } from '@nestjs/throttler';
import { type RateLimitStatus } from '@shop/observability';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface Window {
  /** When the current counting window ends (ms since epoch). */
  endsAt: number;
  hits: number;
  /** Set when the limit was exceeded: requests are refused until then, and not counted. */
  blockedUntil: number;
}

const seconds = (ms: number): number => Math.max(0, Math.ceil(ms / 1000));

/**
 * In-memory rate-limit counters: a fixed window per key with blocking, O(1) per request and one small record
 * per active key. @nestjs/throttler's default storage keeps one timestamp per hit and filters the whole list
 * on every request, so its cost grows with the limit (600-1,200 per minute here, far more in benchmarks) and
 * `Math.min(...hits)` overflows the stack with very large limits. Expired records are swept periodically.
 */
export class WindowCounterStorage implements ThrottlerStorage, OnApplicationShutdown, RateLimitStatus {
  private readonly windows = new Map<string, Window>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    sweepEveryMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => this.sweep(), sweepEveryMs).unref();
  }

  increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const now = this.now();
    const id = `${throttlerName}\u0000${key}`;
    let window = this.windows.get(id);
    if (!window || (now >= window.endsAt && now >= window.blockedUntil)) {
      window = { endsAt: now + ttl, hits: 0, blockedUntil: 0 };
      this.windows.set(id, window);
    } else if (now >= window.endsAt) {
      window.endsAt = now + ttl;
      window.hits = 0;
    }
    if (window.blockedUntil > now) return Promise.resolve(this.record(window, now, limit + 1, true));
    window.hits += 1;
    if (window.hits > limit) {
      window.blockedUntil = now + Math.max(blockDuration, 1);
      return Promise.resolve(this.record(window, now, window.hits, true));
    }
    return Promise.resolve(this.record(window, now, window.hits, false));
  }

  describe(): { store: 'in-process' } {
    return { store: 'in-process' };
  }

  /** Nest calls this on the throttler module's storage provider when the app closes. */
  onApplicationShutdown(): void {
    this.close();
  }

  /** Drops records whose window and block have both ended. */
  sweep(): void {
    const now = this.now();
    for (const [id, window] of this.windows) {
      if (now >= window.endsAt && now >= window.blockedUntil) this.windows.delete(id);
    }
  }

  get size(): number {
    return this.windows.size;
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private record(window: Window, now: number, totalHits: number, isBlocked: boolean): ThrottlerStorageRecord {
    return {
      totalHits,
      timeToExpire: seconds(window.endsAt - now),
      isBlocked,
      timeToBlockExpire: isBlocked ? seconds(window.blockedUntil - now) : 0,
    };
  }
}
