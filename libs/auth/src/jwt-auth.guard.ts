import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC, ROLES_KEY, USER_PROPERTY } from './decorators';
import { type AuthUser, type Role } from './roles';
import { InvalidTokenError, TokenService } from './token.service';

interface AuthRequest {
  headers: Record<string, string | string[] | undefined>;
  [USER_PROPERTY]?: AuthUser;
}

/** Thrown as 401; the problem filter adds `WWW-Authenticate: Bearer` with this error code (RFC 6750). */
export class AuthenticationRequired extends UnauthorizedException {
  constructor(
    message: string,
    readonly bearerError?: 'invalid_token',
  ) {
    super(message);
  }
}

/**
 * Global guard: every route needs a valid bearer token unless marked @Public(); then @Roles(...) is
 * enforced (403). Deny by default, so a new route cannot forget authentication.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim()) : null;
    if (!match) throw new AuthenticationRequired('A bearer token is required');
    let user: AuthUser;
    try {
      user = await this.tokens.verify(match[1]!);
    } catch (error) {
      if (error instanceof InvalidTokenError)
        throw new AuthenticationRequired(error.message, 'invalid_token');
      throw error;
    }
    // The request log line (written when the reply is sent) takes the user's sub from here.
    request[USER_PROPERTY] = user;

    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (required && !user.roles.some((role) => required.includes(role))) {
      throw new ForbiddenException(`This requires one of the roles: ${required.join(', ')}`);
    }
    return true;
  }
}
