import type { TokenService } from '@shop/auth';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { eventually, freePort } from '@shop/testing';

export const root = path.resolve(__dirname, '../..');
const secret = 'reliability-secret-0123456789abcdef0123456789';

export interface ApiProcessOptions {
  /**
   * Run the compiled API (`dist/`, what `npm start` runs; build it first with `npm run build`) instead of the
   * sources through @swc-node/register, whose source-map support makes every captured stack trace costly.
   * Benchmarks measure the build; tests run the sources.
   */
  readonly build?: boolean;
  /** Extra node flags, e.g. `--cpu-prof` (not allowed in NODE_OPTIONS). Default: API_NODE_ARGS. */
  readonly nodeArgs?: readonly string[];
  /** Append the process's stdout and stderr (its JSON logs) to this file instead of discarding them. */
  readonly logFile?: string;
}

const entryArgs = (build: boolean | undefined): string[] =>
  build ? ['dist/apps/api/src/main.js'] : ['-r', '@swc-node/register', 'apps/api/src/main.ts'];

export interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/**
 * The real API as a child process (through @swc-node/register, no build needed) on embedded servers in
 * its own DATA_DIR, which survives restarts: SIGKILL and start again to test recovery.
 */
export class ApiProcess {
  child: ChildProcess | undefined;
  private tokens: TokenService | undefined;

  private constructor(
    readonly dataDir: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly options: Required<ApiProcessOptions>,
  ) {}

  static async create(
    env: Record<string, string> = {},
    options: ApiProcessOptions = {},
  ): Promise<ApiProcess> {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'api-process-'));
    const nodeArgs = options.nodeArgs ?? process.env.API_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    return new ApiProcess(dataDir, await freePort(), env, {
      build: options.build ?? false,
      nodeArgs,
      logFile: options.logFile ?? '',
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(timeoutMs = 90_000): Promise<void> {
    const log = this.options.logFile ? await fs.open(this.options.logFile, 'a') : undefined;
    this.child = spawn(process.execPath, [...this.options.nodeArgs, ...entryArgs(this.options.build)], {
      cwd: root,
      env: {
        ...process.env,
        DATA_DIR: this.dataDir,
        PORT: String(this.port),
        JWT_SECRET: secret,
        LOG_LEVEL: 'error',
        RATE_LIMIT_PER_USER: '1000000',
        RATE_LIMIT_PER_IP: '1000000',
        ...this.env,
      },
      stdio: log ? ['ignore', log.fd, log.fd] : 'ignore',
    });
    // The child holds its own copy of the descriptor.
    await log?.close();
    const child = this.child;
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}`);
      const res = await fetch(`${this.url}/health/ready`).catch(() => undefined);
      return res?.ok ? true : undefined;
    }, timeoutMs);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child) return;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill(signal);
      await exited;
    }
    this.child = undefined;
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
    await fs.rm(this.dataDir, { recursive: true, force: true });
  }

  async token(role: 'customer' | 'clerk' | 'admin' | 'auditor', sub = randomUUID()): Promise<string> {
    // Imported lazily: @shop/auth loads @shop/config, which reads the environment once, when first imported.
    const { TokenService } = await import('@shop/auth');
    this.tokens ??= await TokenService.create({ secret, issuer: 'eventshop', audience: 'eventshop-api' });
    return this.tokens.mintToken({ role, sub, ttl: 3600 });
  }

  async call(
    method: string,
    url: string,
    bearer: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    const res = await fetch(`${this.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      body: text ? (JSON.parse(text) as Reply['body']) : {},
    };
  }

  /** Runs the operations CLI against this API's embedded servers (found through DATA_DIR). */
  cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        ['-r', '@swc-node/register', 'apps/cli/src/main.ts', ...args],
        {
          cwd: root,
          env: { ...process.env, DATA_DIR: this.dataDir, JWT_SECRET: secret, LOG_LEVEL: 'error' },
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  }
}

/** Peak resident set size of a process (Linux VmHWM), in MiB; null when it cannot be read. */
export async function peakRssMiB(pid: number | undefined): Promise<number | null> {
  if (!pid) return null;
  try {
    const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+)/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}
