import { Injectable } from '@nestjs/common';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  importSPKI,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
  type KeyLike,
  SignJWT,
} from 'jose';
import { createSecretKey, type KeyObject } from 'node:crypto';
import { type AuthUser, isRole, type Role } from './roles';
import { isSubject, SUBJECT_RULE } from './subject';
import { VerifiedTokenCache } from './verified-token-cache';

export interface JwtSettings {
  /** HS256 secret (configured, or the embedded one from DATA_DIR). */
  readonly secret?: string | undefined;
  readonly publicKey?: string | undefined;
  readonly jwksUrl?: string | undefined;
  readonly algorithms?: readonly string[] | undefined;
  readonly issuer: string;
  readonly audience: string;
  /** Longest accepted lifetime, `exp - iat` (default 24 h); tokens without `exp` are refused. */
  readonly maxLifetimeSeconds?: number | undefined;
}

const CLOCK_TOLERANCE_SECONDS = 5;
const DEFAULT_MAX_LIFETIME_SECONDS = 86_400;

export interface MintTokenRequest {
  readonly role: Role | readonly Role[];
  readonly sub: string;
  /** Lifetime: seconds, or a jose time span such as '15m', '8h' (default 1h). */
  readonly ttl?: number | string;
}

/** Why a token was refused; the guard turns it into 401 with `WWW-Authenticate: Bearer error=...`. */
export class InvalidTokenError extends Error {
  constructor(
    message: string,
    readonly expired = false,
  ) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

type VerificationKey = Uint8Array | KeyLike | JWTVerifyGetKey;

/**
 * Verifies bearer tokens with jose (signature, algorithm allow-list, exp/nbf, issuer, audience) and mints
 * HS256 tokens for the CLI when the service holds the shared secret.
 */
@Injectable()
export class TokenService {
  private readonly verified = new VerifiedTokenCache(10_000, 60_000, CLOCK_TOLERANCE_SECONDS);

  private constructor(
    private readonly settings: JwtSettings,
    private readonly key: VerificationKey,
    private readonly algorithms: string[],
    private readonly signingKey: KeyObject | undefined,
  ) {}

  static async create(settings: JwtSettings): Promise<TokenService> {
    if (settings.jwksUrl) {
      const jwks = createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 5_000 });
      return new TokenService(settings, jwks, [...(settings.algorithms ?? ['RS256', 'ES256'])], undefined);
    }
    if (settings.publicKey) {
      const algorithms = [...(settings.algorithms ?? ['RS256'])];
      const key = await importSPKI(settings.publicKey, algorithms[0] ?? 'RS256');
      return new TokenService(settings, key, algorithms, undefined);
    }
    if (!settings.secret) throw new Error('JWT verification needs a secret, a public key or a JWKS URL');
    // One KeyObject for the process: given raw bytes, jose would import the key again on every request.
    const secret = createSecretKey(Buffer.from(settings.secret, 'utf8'));
    return new TokenService(settings, secret, [...(settings.algorithms ?? ['HS256'])], secret);
  }

  /** For tests and tools that hold a JWK set in memory. */
  static fromJwks(settings: JwtSettings, jwks: Parameters<typeof createLocalJWKSet>[0]): TokenService {
    return new TokenService(
      settings,
      createLocalJWKSet(jwks),
      [...(settings.algorithms ?? ['RS256'])],
      undefined,
    );
  }

  private get maxLifetime(): number {
    return this.settings.maxLifetimeSeconds ?? DEFAULT_MAX_LIFETIME_SECONDS;
  }

  get canMint(): boolean {
    return this.signingKey !== undefined;
  }

  /** The token's user; a token verified in the last minute (and still within nbf..exp) is not checked again. */
  async verify(token: string): Promise<AuthUser> {
    const cached = this.verified.get(token);
    if (cached) return cached;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key as KeyLike, {
        algorithms: this.algorithms,
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new InvalidTokenError('The token has expired', true);
      // Never echo the library's message: it may describe keys or claims.
      throw new InvalidTokenError('The token is invalid');
    }
    const now = Math.floor(Date.now() / 1000);
    const issuedAt = typeof payload.iat === 'number' ? payload.iat : now;
    if (issuedAt > now + CLOCK_TOLERANCE_SECONDS)
      throw new InvalidTokenError('The token is issued in the future');
    if (payload.exp! - issuedAt > this.maxLifetime) {
      throw new InvalidTokenError(`The token lives longer than ${this.maxLifetime} s`);
    }
    const roles = rolesOf(payload);
    if (!payload.sub || roles.length === 0) throw new InvalidTokenError('The token has no subject or role');
    if (!isSubject(payload.sub)) throw new InvalidTokenError(`The token subject must be ${SUBJECT_RULE}`);
    const user: AuthUser = Object.freeze({ sub: payload.sub, roles });
    this.verified.set(token, user, { exp: payload.exp!, nbf: payload.nbf });
    return user;
  }

  /** Signs a token the API accepts (HS256 with the shared or embedded secret). */
  async mintToken({ role, sub, ttl = 3_600 }: MintTokenRequest): Promise<string> {
    if (!this.signingKey) {
      throw new Error('Tokens can be minted only with a shared secret (JWT_SECRET or the embedded secret)');
    }
    const roles = typeof role === 'string' ? [role] : [...role];
    if (roles.length === 0 || !roles.every(isRole)) throw new Error(`Unknown role in ${roles.join(',')}`);
    if (!isSubject(sub)) throw new Error(`The subject must be ${SUBJECT_RULE}`);
    const now = Math.floor(Date.now() / 1000);
    const expires = typeof ttl === 'number' ? now + ttl : now + secondsOf(ttl);
    if (!Number.isFinite(expires) || expires - now > this.maxLifetime) {
      throw new Error(
        `The lifetime must be a span such as 15m or 8h, at most ${this.maxLifetime} s (JWT_MAX_LIFETIME_SECONDS)`,
      );
    }
    return new SignJWT({ roles })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(sub)
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setIssuedAt(now)
      .setExpirationTime(expires)
      .sign(this.signingKey);
  }
}

/** Roles from a `roles` array or a single `role` claim; unknown roles are ignored, never trusted. */
function rolesOf(payload: JWTPayload): Role[] {
  const claimed: unknown[] = Array.isArray(payload.roles)
    ? (payload.roles as unknown[])
    : payload.role !== undefined
      ? [payload.role]
      : [];
  return [...new Set(claimed.filter(isRole))];
}

const SPAN_UNITS: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400 };

/** Seconds in a span such as '90s', '15m', '8h', '1d' (or plain seconds); NaN when it is not one. */
function secondsOf(span: string): number {
  const match = /^\s*(\d+)\s*([smhd]?)\s*$/i.exec(span);
  if (!match) return Number.NaN;
  return Number(match[1]) * (SPAN_UNITS[(match[2] || 's').toLowerCase()] ?? Number.NaN);
}
