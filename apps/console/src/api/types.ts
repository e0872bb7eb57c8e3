/** Response bodies of the admin endpoints the console reads (libs/inspection, libs/projections). */

export interface Session {
  sub: string;
  roles: string[];
  operator: boolean;
  canChange: boolean;
}

export interface EventSummary {
  stream: string;
  revision: string;
  position: string | null;
  type: string;
  eventId: string;
  correlationId: string;
  causationId: string;
  userId?: string;
  occurredAt: string;
  recordedAt: string;
  data: unknown;
}

export interface StreamPage {
  events: EventSummary[];
  next: string | null;
}

export interface TraceNode {
  event: EventSummary;
  children: TraceNode[];
}

export interface Trace {
  correlationId: string;
  events: number;
  tree: TraceNode[];
}

export interface StateAt {
  stream: string;
  revision: string;
  state: unknown;
}

export interface Diff {
  stream: string;
  from: { revision: string; state: unknown };
  to: { revision: string; state: unknown };
  events: EventSummary[];
  changes: unknown;
}

export interface ProjectionStatus {
  name: string;
  kind: 'projection' | 'processor';
  version: number;
  state: string;
  checkpoint: string | null;
  processed: number;
  lagEvents: number | null;
  lagMs: number | null;
  parked: number;
  owner: string | null;
  lastError?: string;
  thirdParty?: string;
}

export interface RebuildRun {
  name: string;
  state: 'rebuilding' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  progress: {
    processed: number;
    total: number;
    eventsPerSecond: number;
    etaSeconds: number | null;
    done: boolean;
  } | null;
  error: string | null;
}

export interface VerifyReport {
  name: string;
  checkpoint: string | null;
  compared: number;
  ok: boolean;
  differences: unknown[];
}

export interface ParkedEntry {
  id: string;
  projection: string;
  status: string;
  error?: { name: string; message: string };
  attempts?: number;
  parkedAt?: string;
  event: EventSummary;
}

export interface Overview {
  at: string;
  commands: number;
  commandErrors: number;
  appends: number;
  projections: {
    name: string;
    kind: string;
    state: string;
    lagEvents: number | null;
    lagMs: number | null;
    parked: number;
  }[];
  parked: number;
  breakers: Record<string, string>;
  broker:
    | { configured: false }
    | { configured: true; published: number; confirmsFailed: number; deadLetters: number | null };
}

export interface Readiness {
  status?: string;
  info?: Record<string, { status: string; [key: string]: unknown }>;
  error?: Record<string, { status: string; [key: string]: unknown }>;
  details?: Record<string, { status: string; [key: string]: unknown }>;
}

export interface TraceHandlers {
  correlationId: string;
  events: {
    eventId: string;
    handlers: { name: string; kind: 'projection' | 'processor'; state: 'applied' | 'pending' | 'parked' }[];
  }[];
}

export type Handler = TraceHandlers['events'][number]['handlers'][number];

export interface DeadLetter {
  id: string;
  type: string;
  attempts: number;
  error: string;
  failedAt: string;
  body: string;
}
