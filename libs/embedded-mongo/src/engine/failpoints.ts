import type { Doc } from '../bson/values';
import { MongoServerError } from './errors';

/**
 * Server fail points (test commands only). `failCommand` makes chosen commands fail, close their connection,
 * stall, or report a write concern error, the way mongod's does, so clients' recovery paths can be exercised.
 */
type Mode =
  | { kind: 'alwaysOn' }
  | { kind: 'times'; left: number }
  | { kind: 'skip'; left: number }
  | { kind: 'p'; p: number };

export interface FailCommandData {
  failCommands: string[];
  errorCode?: number;
  errorLabels?: string[];
  closeConnection?: boolean;
  blockConnection?: boolean;
  blockTimeMS?: number;
  writeConcernError?: Doc;
  appName?: string;
  errmsg?: string;
}

interface Armed {
  mode: Mode;
  data: FailCommandData;
}

/** What a triggered fail point asks the dispatcher to do with one command. */
export interface FailAction {
  blockMs: number;
  close: boolean;
  error?: { code: number; labels?: string[]; errmsg?: string };
  writeConcernError?: Doc;
}

const KNOWN = new Set(['failCommand']);

const num = (v: unknown): number | undefined => {
  if (v === undefined || v === null) return undefined;
  const n = Number((v as { valueOf(): unknown }).valueOf());
  return Number.isFinite(n) ? n : undefined;
};

const parseMode = (raw: unknown): Mode | null => {
  if (raw === 'off') return null;
  if (raw === 'alwaysOn') return { kind: 'alwaysOn' };
  if (raw && typeof raw === 'object') {
    const m = raw as Doc;
    const times = num(m.times);
    if (times !== undefined) return times > 0 ? { kind: 'times', left: times } : null;
    const skip = num(m.skip);
    if (skip !== undefined) return { kind: 'skip', left: skip };
    const p = num(m.activationProbability);
    if (p !== undefined) {
      if (p < 0 || p > 1) throw new MongoServerError(2, 'activationProbability must be between 0 and 1');
      return { kind: 'p', p };
    }
  }
  throw new MongoServerError(2, `invalid fail point mode: ${JSON.stringify(raw)}`);
};

const parseData = (raw: unknown): FailCommandData => {
  const d = (raw && typeof raw === 'object' ? raw : {}) as Doc;
  if (!Array.isArray(d.failCommands) || d.failCommands.some((c) => typeof c !== 'string'))
    throw new MongoServerError(2, "failCommand fail point needs 'failCommands', an array of command names");
  return {
    failCommands: d.failCommands as string[],
    errorCode: num(d.errorCode),
    errorLabels: Array.isArray(d.errorLabels) ? d.errorLabels.map(String) : undefined,
    closeConnection: d.closeConnection === true,
    blockConnection: d.blockConnection === true,
    blockTimeMS: num(d.blockTimeMS),
    writeConcernError: d.writeConcernError as Doc | undefined,
    appName: typeof d.appName === 'string' ? d.appName : undefined,
    errmsg: typeof d.errmsg === 'string' ? d.errmsg : undefined,
  };
};

export class FailPoints {
  private readonly armed = new Map<string, Armed>();

  /** `configureFailPoint`: arms (or with mode `off`, disarms) a fail point. */
  configure(name: string, mode: unknown, data: unknown): void {
    if (!KNOWN.has(name)) throw new MongoServerError(2, `unknown fail point: ${name}`);
    const m = parseMode(mode);
    if (!m) {
      this.armed.delete(name);
      return;
    }
    if (m.kind === 'p' && data === undefined) throw new MongoServerError(2, 'failCommand needs data');
    this.armed.set(name, { mode: m, data: parseData(data) });
  }

  clear(): void {
    this.armed.clear();
  }

  /** Whether `failCommand` fires for this command (consuming one activation when it does). */
  check(command: string, appName: string | undefined): FailAction | null {
    const fp = this.armed.get('failCommand');
    if (!fp || !fp.data.failCommands.includes(command)) return null;
    if (fp.data.appName !== undefined && fp.data.appName !== appName) return null;
    if (!this.fires(fp)) return null;
    const d = fp.data;
    return {
      blockMs: d.blockConnection ? (d.blockTimeMS ?? 0) : 0,
      close: d.closeConnection === true,
      error:
        d.errorCode !== undefined
          ? { code: d.errorCode, labels: d.errorLabels, errmsg: d.errmsg }
          : undefined,
      writeConcernError: d.writeConcernError,
    };
  }

  private fires(fp: Armed): boolean {
    const m = fp.mode;
    switch (m.kind) {
      case 'alwaysOn':
        return true;
      case 'times':
        if (--m.left <= 0) this.armed.delete('failCommand');
        return true;
      case 'skip':
        if (m.left > 0) {
          m.left--;
          return false;
        }
        return true;
      case 'p':
        return Math.random() < m.p;
    }
  }
}
