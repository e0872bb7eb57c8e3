import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { type AuthUser, AuthenticationRequired, type Role, ROLES_KEY } from '@shop/auth';
import { type GraphqlContext } from './graphql-context';

export const gqlContextOf = (context: ExecutionContext): GraphqlContext =>
  GqlExecutionContext.create(context).getContext<GraphqlContext>();

/**
 * The same rules as REST's JwtAuthGuard, per resolver: a verified caller (the hook already refused requests
 * without one), and @Roles(...) on the resolver or its class (403 FORBIDDEN otherwise).
 */
@Injectable()
export class GraphqlAuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const { user, authError } = gqlContextOf(context);
    if (!user) throw authError ?? new AuthenticationRequired('A bearer token is required');
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (required && !user.roles.some((role) => required.includes(role))) {
      throw new ForbiddenException(`This requires one of the roles: ${required.join(', ')}`);
    }
    return true;
  }
}

/** The verified caller of a resolver guarded by GraphqlAuthGuard. */
export const GqlUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthUser => gqlContextOf(context).user!,
);

/** The request context of a resolver (its loaders, the Fastify request). */
export const GqlContext = createParamDecorator((_data: unknown, context: ExecutionContext): GraphqlContext =>
  gqlContextOf(context),
);
