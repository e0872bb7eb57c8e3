/**
 * Token subjects are opaque: Auth0 (`auth0|5f7c...`, `google-oauth2|1234`), Okta, Keycloak, Cognito and most
 * OIDC providers use their own formats. OIDC bounds `sub` to 255 ASCII characters; visible ones only here (no
 * spaces or control characters), so a subject is always safe to log, put in a URL path segment (encoded)
 * and compare byte for byte. The ordering context bounds customer ids the same way.
 */
export const SUBJECT_MAX_LENGTH = 255;
export const SUBJECT_PATTERN = /^[\x21-\x7E]{1,255}$/;
export const SUBJECT_RULE = `1-${SUBJECT_MAX_LENGTH} visible ASCII characters (no spaces)`;

export const isSubject = (value: unknown): value is string =>
  typeof value === 'string' && SUBJECT_PATTERN.test(value);
