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

interface RouteAccess {
  readonly isPublic: boolean;
  readonly roles: readonly Role[] | undefined;
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
  private readonly routes = new WeakMap<object, WeakMap<object, RouteAccess>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  /** @Public() and @Roles() of a route, read once per handler (decorator metadata does not change). */
  private routeOf(context: ExecutionContext): RouteAccess {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byHandler = this.routes.get(controller);
    if (!byHandler) this.routes.set(controller, (byHandler = new WeakMap()));
    let route = byHandler.get(handler);
    if (!route) {
      const targets = [handler, controller];
      route = {
        isPublic: this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, targets) === true,
        roles: this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets),
      };
      byHandler.set(handler, route);
    }
    return route;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const route = this.routeOf(context);
    if (route.isPublic) return true;

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

    const required = route.roles;
    if (required && !user.roles.some((role) => required.includes(role))) {
      throw new ForbiddenException(`This requires one of the roles: ${required.join(', ')}`);
    }
    return true;
  }
}
