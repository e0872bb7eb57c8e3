import { type Role, isRole, isSubject, SUBJECT_RULE, TokenService } from '@shop/auth';
import { randomUUID } from 'node:crypto';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';

interface TokenOptions {
  role?: Role[];
  sub?: string;
  ttl?: string;
  json?: boolean;
}

@SubCommand({ name: 'token', description: 'mint a bearer token for the API (embedded secret or JWT_SECRET)' })
export class AuthTokenCommand extends CommandRunner {
  constructor(private readonly tokens: TokenService) {
    super();
  }

  async run(_: string[], options: TokenOptions): Promise<void> {
    if (!options.role?.length) throw new Error('--role is required: customer, clerk, admin or auditor');
    const sub = options.sub ?? randomUUID();
    const token = await this.tokens.mintToken({ role: options.role, sub, ttl: options.ttl ?? '1h' });
    process.stdout.write(
      options.json ? `${JSON.stringify({ token, sub, roles: options.role })}\n` : `${token}\n`,
    );
  }

  @Option({
    flags: '--role <role>',
    description: 'customer, clerk, admin or auditor (repeatable)',
    required: true,
  })
  parseRole(value: string, previous: Role[] = []): Role[] {
    if (!isRole(value)) throw new Error(`unknown role "${value}": customer, clerk, admin or auditor`);
    return [...previous, value];
  }

  @Option({
    flags: '--sub <id>',
    description: 'subject (user id, any provider format; customers: their customer id). Default: a new UUID',
  })
  parseSub(value: string): string {
    if (!isSubject(value)) throw new Error(`--sub must be ${SUBJECT_RULE}, e.g. auth0|5f7c8ec7 or a UUID`);
    return value;
  }

  @Option({
    flags: '--ttl <span>',
    description: "lifetime: a span like '15m', '8h', '1d' (default 1h; at most JWT_MAX_LIFETIME_SECONDS)",
  })
  parseTtl(value: string): string | number {
    return /^\d+$/.test(value) ? Number(value) : value;
  }

  @Option({ flags: '--json', description: 'print JSON for scripts' })
  parseJson(): boolean {
    return true;
  }
}

@Command({ name: 'auth', description: 'tokens for the API', subCommands: [AuthTokenCommand] })
export class AuthCommand extends CommandRunner {
  run(): Promise<void> {
    this.command.outputHelp();
    return Promise.resolve();
  }
}
