export { AuthModule, TokenModule, tokenServiceFromConfig } from './auth.module';
export { CurrentUser, IS_PUBLIC, Public, ROLES_KEY, Roles, USER_PROPERTY } from './decorators';
export { AuthenticationRequired, JwtAuthGuard } from './jwt-auth.guard';
export { JWT_SECRET_FILE, loadOrCreateJwtSecret } from './jwt-secret';
export { assertOwnerOrRole } from './ownership';
export { type AuthUser, isRole, type Role, ROLES } from './roles';
export { isSubject, SUBJECT_MAX_LENGTH, SUBJECT_PATTERN, SUBJECT_RULE } from './subject';
export { InvalidTokenError, type JwtSettings, type MintTokenRequest, TokenService } from './token.service';
