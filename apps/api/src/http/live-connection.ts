import { HttpException, HttpStatus } from '@nestjs/common';
import { type AuthUser } from '@shop/auth';
import { type ChangeBus, type LiveConnection, TooManyConnectionsError } from '@shop/live';
import { decodeJwt } from 'jose';

/** When the bearer token of this request expires (the guard has verified it; only `exp` is read here). */
export const tokenExpiry = (authorization: string | undefined): Date | undefined => {
  const token = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!token) return undefined;
  const { exp } = decodeJwt(token);
  return exp === undefined ? undefined : new Date(exp * 1000);
};

/** Opens a live connection for the caller; 429 beyond the per-user limit. */
export const connectLive = (
  bus: ChangeBus,
  user: AuthUser,
  authorization: string | undefined,
): LiveConnection => {
  try {
    return bus.connect(user.sub, tokenExpiry(authorization));
  } catch (error) {
    if (error instanceof TooManyConnectionsError)
      throw new HttpException(error.message, HttpStatus.TOO_MANY_REQUESTS);
    throw error;
  }
};
