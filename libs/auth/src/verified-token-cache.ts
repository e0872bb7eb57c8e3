import { type AuthUser } from './roles';

interface Entry {
  readonly user: AuthUser;
  /** Until when (ms since epoch) the entry may answer: the token's exp (plus tolerance), at most maxAgeMs. */
  readonly until: number;
  /** From when (ms since epoch) the token is usable: its nbf (minus tolerance). */
  readonly from: number;
}

export interface TokenTimes {
  /** `exp`, seconds since epoch. */
  readonly exp: number;
  /** `nbf`, seconds since epoch, when the token has one. */
  readonly nbf?: number | undefined;
}

/**
 * Tokens already verified, keyed by the token itself, so a client sending the same bearer token on every
 * request pays for one signature check, not one per request. An entry answers only while the token is
 * within its `nbf`..`exp` window (with the verifier's clock tolerance) and for at most `maxAgeMs` (a key
 * removed from a JWKS stops being trusted that soon); at most `maxEntries` tokens are kept, the oldest
 * dropped first. Only successful verifications are stored.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly maxAgeMs = 60_000,
    private readonly toleranceSeconds = 5,
    private readonly now: () => number = Date.now,
  ) {}

  get(token: string): AuthUser | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    const now = this.now();
    if (now >= entry.until) {
      this.entries.delete(token);
      return undefined;
    }
    return now >= entry.from ? entry.user : undefined;
  }

  set(token: string, user: AuthUser, times: TokenTimes): void {
    const now = this.now();
    const until = Math.min((times.exp + this.toleranceSeconds) * 1000, now + this.maxAgeMs);
    const from = times.nbf !== undefined ? (times.nbf - this.toleranceSeconds) * 1000 : 0;
    if (until <= now) return;
    this.entries.delete(token);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(token, { user, until, from });
  }

  get size(): number {
    return this.entries.size;
  }
}
