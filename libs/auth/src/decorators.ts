import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { type AuthUser, type Role } from './roles';

export const IS_PUBLIC = 'auth:public';
export const ROLES_KEY = 'auth:roles';

/** Opts a route (or controller) out of authentication. Everything else requires a valid bearer token. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** The caller needs at least one of these roles (403 otherwise). A method's list overrides its controller's. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

/** Request property the guard stores the verified caller in. */
export const USER_PROPERTY = 'user';

/** The verified caller of the current request (never undefined on a non-public route). */
export const CurrentUser = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): AuthUser | undefined =>
    ctx.switchToHttp().getRequest<{ [USER_PROPERTY]?: AuthUser }>()[USER_PROPERTY],
);
