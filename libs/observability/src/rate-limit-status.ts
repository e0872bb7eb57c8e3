/** Where the rate-limit counters live, for readiness: one budget shared through Redis, or per process. */
export interface RateLimitStatus {
  describe(): { store: 'redis' | 'in-process'; degraded?: string };
}

/** Provided by the HTTP layer's rate-limit module; read by readiness when present. */
export const RATE_LIMIT_STATUS = Symbol('RATE_LIMIT_STATUS');

/** How live updates reach the subscribers, for readiness: fanned out through Redis, or in-process only. */
export interface LiveUpdatesStatus {
  describe(): { transport: 'redis' | 'in-process'; degraded?: string };
}

/** Provided by libs/live's module; read by readiness when present. */
export const LIVE_UPDATES_STATUS = Symbol('LIVE_UPDATES_STATUS');
