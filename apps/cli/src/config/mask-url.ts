const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^:@/?#]*):([^@/?#]*)@/i;
const SECRET_PARAM = /([?&][^=&#]*(?:pass|secret|token|key)[^=&#]*=)([^&#]*)/gi;

/** A connection string fit to print: the password and any secret-looking query parameter are masked. */
export function maskUrl(url: string): string {
  return url.replace(USERINFO, '$1$2:****@').replace(SECRET_PARAM, '$1****');
}
