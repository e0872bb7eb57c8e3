/**
 * Where a request's CPU time goes: a V8 CPU profile of the API (`--cpu-prof`) taken while one route is under
 * load, each sample put in a stage by the code it was running, divided by the requests served in that time.
 * Profiling slows the process down, so read the numbers as shares of one request, in microseconds.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const STAGES = [
  'HTTP parse and socket I/O (node core, any connection)',
  'framework (Fastify, Nest routing, hooks, pipes)',
  'auth (JWT, roles)',
  'rate limits',
  'validation',
  'handler (use case, decider, buses)',
  'storage (clients, wire protocols, embedded servers)',
  'projections and workers (background)',
  'serialisation',
  'logging, tracing, metrics',
  'garbage collection',
  'other',
] as const;
export type Stage = (typeof STAGES)[number];

interface CallFrame {
  functionName: string;
  url: string;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const RULES: [RegExp, Stage][] = [
  [/node_modules\/(jose|@nestjs\/passport)\/|dist\/libs\/auth\//, 'auth (JWT, roles)'],
  [/node_modules\/@nestjs\/throttler\/|dist\/libs\/http\/src\/rate-limit/, 'rate limits'],
  [
    /node_modules\/(class-validator|class-transformer|validator)\/|dist\/libs\/http\/src\/request-validation|@nestjs\/common\/pipes\//,
    'validation',
  ],
  [
    /node_modules\/(pino|sonic-boom|@pinojs\/[^/]+|@opentelemetry\/[^/]+|prom-client)\/|dist\/libs\/observability\//,
    'logging, tracing, metrics',
  ],
  [/node_modules\/(fast-json-stringify|secure-json-parse)\//, 'serialisation'],
  [
    /node_modules\/(mongodb|bson|@eventstore\/db-client|@kurrent\/[^/]+|@grpc\/[^/]+|google-protobuf|protobufjs|mingo)\/|dist\/libs\/(embedded-[^/]+|eventstore|mongo)\//,
    'storage (clients, wire protocols, embedded servers)',
  ],
  [
    /dist\/libs\/(projections|workers|checkout|reporting|payments|payment-gateway)\//,
    'projections and workers (background)',
  ],
  [/node_modules\/@nestjs\/cqrs\/|dist\/apps\/|dist\/libs\//, 'handler (use case, decider, buses)'],
  [
    /node_modules\/(fastify|@fastify\/[^/]+|find-my-way|@nestjs\/[^/]+|light-my-request|avvio|rxjs)\//,
    'framework (Fastify, Nest routing, hooks, pipes)',
  ],
];

const isNodeInternal = (url: string): boolean => url.startsWith('node:') || url === '';

/** The stage of a sample: the first frame from the leaf up that belongs to a package or to our code. */
function stageOf(node: ProfileNode, parentOf: Map<number, ProfileNode>): Stage | undefined {
  const leaf = node.callFrame.functionName;
  if (leaf === '(idle)') return undefined;
  if (leaf === '(garbage collector)') return 'garbage collection';
  let sawNode = false;
  for (let current: ProfileNode | undefined = node; current; current = parentOf.get(current.id)) {
    const { url, functionName } = current.callFrame;
    if (isNodeInternal(url)) {
      if (url) sawNode = true;
      continue;
    }
    if (/node_modules\/fastify\//.test(url) && /^serialize/.test(functionName)) return 'serialisation';
    const rule = RULES.find(([pattern]) => pattern.test(url));
    if (!rule) return 'other';
    // node's http and net, called by the framework: parsing requests and writing responses.
    if (sawNode && rule[1] === 'framework (Fastify, Nest routing, hooks, pipes)')
      return 'HTTP parse and socket I/O (node core, any connection)';
    return rule[1];
  }
  return sawNode ? 'HTTP parse and socket I/O (node core, any connection)' : 'other';
}

/**
 * Microseconds of CPU per request in each stage, from the samples taken between `fromUs` and `toUs`
 * (process.hrtime in microseconds; V8 profiles use the same monotonic clock).
 */
export function breakdown(
  profile: CpuProfile,
  fromUs: number,
  toUs: number,
  requests: number,
): Record<Stage, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, ProfileNode>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n);
  const stageCache = new Map<number, Stage | undefined>();
  const totals = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
  let time = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    time += delta;
    if (time < fromUs || time > toUs) return;
    if (!stageCache.has(id)) stageCache.set(id, stageOf(byId.get(id)!, parentOf));
    const stage = stageCache.get(id);
    if (stage) totals[stage] += delta;
  });
  for (const s of STAGES) totals[s] = requests > 0 ? totals[s] / requests : 0;
  return totals;
}

/** The one .cpuprofile a process wrote into `dir`. */
export function readProfile(dir: string): CpuProfile {
  const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no CPU profile in ${dir}`);
  return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
}

export const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);
