import { Binary } from 'bson';
import type { Doc } from '../bson/values';
import type { CommandGuard, Env, Handler } from '../commands/env';
import { MongoServerError } from '../engine/errors';
import type { ConnectionInfo } from '../wire/connection';
import { grants, NO_AUTH, privilegeFor, type RoleRef } from './roles';
import { MECHANISM, ScramConversation, ScramError } from './scram';
import { userCommands } from './user-commands';
import type { UserStore } from './user-store';

interface ConnectionAuth {
  users: { user: string; db: string; roles: RoleRef[] }[];
  conversation: { id: number; db: string; scram: ScramConversation } | null;
  conversations: number;
}

const renameDatabases = (cmd: Doc): string[] =>
  [cmd.renameCollection, cmd.to].map((ns) =>
    typeof ns === 'string' && ns.includes('.') ? ns.slice(0, ns.indexOf('.')) : '',
  );

const authenticationFailed = (): MongoServerError => new MongoServerError(18, 'Authentication failed.');

const payloadText = (value: unknown): string => {
  if (value instanceof Binary) return Buffer.from(value.buffer).toString('utf8');
  if (typeof value === 'string') return value;
  throw new MongoServerError(2, 'SASL payload must be binary');
};

/**
 * Secure mode for the command layer: SCRAM-SHA-256 (`saslStart`/`saslContinue`, also speculatively inside
 * `hello`), the user-management commands, and a role check before every other command.
 */
export class SecurityGuard implements CommandGuard {
  private readonly state = new WeakMap<ConnectionInfo, ConnectionAuth>();
  private readonly own: Record<string, Handler>;

  constructor(private readonly users: UserStore) {
    this.own = {
      ...userCommands(users),
      saslStart: (cmd, env) => this.saslStart(cmd, env.db, env.conn),
      saslContinue: (cmd, env) => this.saslContinue(cmd, env.conn),
      logout: (_cmd, env) => {
        this.auth(env.conn).users = [];
        return { ok: 1 };
      },
      connectionStatus: (_cmd, env) => {
        const { users: signedIn } = this.auth(env.conn);
        return {
          authInfo: {
            authenticatedUsers: signedIn.map(({ user, db }) => ({ user, db })),
            authenticatedUserRoles: signedIn.flatMap((u) => u.roles),
          },
          ok: 1,
        };
      },
    };
  }

  handler(name: string, base: Handler | undefined): Handler | undefined {
    if (Object.prototype.hasOwnProperty.call(this.own, name)) return this.own[name];
    if (base && (name === 'hello' || name === 'ismaster' || name === 'isMaster'))
      return async (cmd, env) => this.hello(cmd, env, await base(cmd, env));
    return base;
  }

  authorize(name: string, cmd: Doc, db: string, conn: ConnectionInfo): void {
    if (NO_AUTH.has(name)) return;
    // mongod's localhost exception: with no user at all, the first one may be created on admin.
    if (this.users.size === 0 && name === 'createUser' && db === 'admin') return;
    const { users } = this.auth(conn);
    if (users.length === 0) throw new MongoServerError(13, `Command ${name} requires authentication`);
    const privilege = privilegeFor(name, cmd);
    if (privilege === 'any') return;
    const roles = users.flatMap((u) => u.roles);
    // renameCollection runs on admin but acts on the databases it names: rights are checked there.
    const targets = name === 'renameCollection' ? renameDatabases(cmd) : [db];
    if (!targets.every((target) => grants(roles, privilege, target)))
      throw new MongoServerError(
        13,
        `not authorized on ${db} to execute command { ${name}: ${JSON.stringify(cmd[name] ?? 1)} }`,
      );
  }

  private auth(conn: ConnectionInfo): ConnectionAuth {
    let auth = this.state.get(conn);
    if (!auth) this.state.set(conn, (auth = { users: [], conversation: null, conversations: 0 }));
    return auth;
  }

  private hello(cmd: Doc, env: Env, reply: Doc): Doc {
    const extra: Doc = {};
    if (typeof cmd.saslSupportedMechs === 'string') {
      const dot = cmd.saslSupportedMechs.indexOf('.');
      const user = this.users.get(
        cmd.saslSupportedMechs.slice(0, dot),
        cmd.saslSupportedMechs.slice(dot + 1),
      );
      if (dot > 0 && user) extra.saslSupportedMechs = [MECHANISM];
    }
    const speculative = cmd.speculativeAuthenticate as Doc | undefined;
    if (speculative && speculative.mechanism === MECHANISM) {
      try {
        const db = typeof speculative.db === 'string' ? speculative.db : 'admin';
        extra.speculativeAuthenticate = this.saslStart(speculative, db, env.conn);
      } catch {
        // A failed speculative attempt is simply not answered; the driver then runs saslStart itself.
      }
    }
    return { ...reply, ...extra };
  }

  private saslStart(cmd: Doc, db: string, conn: ConnectionInfo): Doc {
    if (cmd.mechanism !== MECHANISM)
      throw new MongoServerError(
        334,
        `Received authentication for mechanism ${String(cmd.mechanism)} which is not enabled`,
      );
    const auth = this.auth(conn);
    const scram = new ScramConversation();
    let serverFirst: string;
    try {
      serverFirst = scram.start(payloadText(cmd.payload), (user) => this.users.get(db, user)?.credential);
    } catch (error) {
      if (error instanceof ScramError) throw authenticationFailed();
      throw error;
    }
    auth.conversation = { id: ++auth.conversations, db, scram };
    return {
      conversationId: auth.conversation.id,
      done: false,
      payload: new Binary(Buffer.from(serverFirst)),
      ok: 1,
    };
  }

  private saslContinue(cmd: Doc, conn: ConnectionInfo): Doc {
    const auth = this.auth(conn);
    const conversation = auth.conversation;
    if (!conversation || Number(cmd.conversationId) !== conversation.id)
      throw new MongoServerError(17, 'No SASL session state found');
    auth.conversation = null;
    let serverFinal: string;
    try {
      serverFinal = conversation.scram.finish(payloadText(cmd.payload));
    } catch (error) {
      if (error instanceof ScramError) throw authenticationFailed();
      throw error;
    }
    const user = this.users.get(conversation.db, conversation.scram.username);
    if (!user) throw authenticationFailed();
    auth.users = [
      ...auth.users.filter((u) => !(u.user === user.user && u.db === user.db)),
      { user: user.user, db: user.db, roles: user.roles },
    ];
    return {
      conversationId: conversation.id,
      done: true,
      payload: new Binary(Buffer.from(serverFinal)),
      ok: 1,
    };
  }
}
