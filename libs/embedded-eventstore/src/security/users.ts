import { createHash, timingSafeEqual } from 'node:crypto';

export interface EsdbUser {
  login: string;
  password: string;
  /** Groups as the real server names them: `$admins`, `$ops`, or your own. */
  groups: string[];
}

/** Who a call runs as; null is anonymous (no credentials sent). */
export interface Principal {
  login: string;
  groups: readonly string[];
}

/** The users a fresh real node has, with its well-known default passwords. */
export const DEFAULT_USERS: readonly EsdbUser[] = [
  { login: 'admin', password: 'changeit', groups: ['$admins'] },
  { login: 'ops', password: 'changeit', groups: ['$ops'] },
];

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

export class UserRegistry {
  private readonly users = new Map<string, { digest: Buffer; principal: Principal }>();

  /** `users` are added to the defaults; one with a default's login replaces it (e.g. a new password). */
  constructor(users: readonly EsdbUser[] = []) {
    for (const user of [...DEFAULT_USERS, ...users]) {
      if (!user.login || user.login.includes(':'))
        throw new Error(`embedded-eventstore: invalid user login ${JSON.stringify(user.login)}`);
      this.users.set(user.login, {
        digest: digest(user.password),
        principal: { login: user.login, groups: [...user.groups] },
      });
    }
  }

  /**
   * The principal for an `authorization` header value: undefined when none was sent, null when it does
   * not authenticate (unknown user, wrong password, a scheme other than Basic).
   */
  authenticate(header: string | undefined): Principal | null | undefined {
    if (header === undefined) return undefined;
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (!match) return null;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return null;
    const user = this.users.get(decoded.slice(0, colon));
    // Compare digests even for unknown users so the answer takes the same time either way.
    const offered = digest(decoded.slice(colon + 1));
    const ok = timingSafeEqual(offered, user?.digest ?? digest(`\0${offered.toString('hex')}`));
    return user && ok ? user.principal : null;
  }
}
