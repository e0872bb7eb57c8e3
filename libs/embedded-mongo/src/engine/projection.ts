import { isNumeric, asDouble } from '../bson/numeric';
import { TEXT_SCORES } from '../bson/compare';
import { cloneValue, type Doc, isPlainDoc, setOwn } from '../bson/values';
import { badValue } from './errors';
import { compileQuery, type DocMatcher, type MatcherHooks } from './matcher';
import { MongoServerError } from './errors';

/**
 * find/findAndModify projections as mongod applies them: inclusion keeps the document's own field order (`_id`
 * first), `$slice` alone keeps the whole document, `.$` takes the element the query matched, `$elemMatch`
 * the first element matching its condition. Computed fields use the aggregation engine through `compute`.
 */
export interface ProjectionEnv {
  /** The query filter, for the positional `$`. */
  filter?: Doc;
  hooks?: MatcherHooks;
  compute?: (doc: Doc, expr: unknown) => unknown;
}

type Node =
  { kind: 'include' } | { kind: 'exclude' } | { kind: 'tree'; children: Map<string, Node> } | Special;
type Special =
  | { kind: 'slice'; skip: number | null; n: number }
  | { kind: 'elemMatch'; match: DocMatcher; value: boolean }
  | { kind: 'positional' }
  | { kind: 'compute'; expr: unknown }
  | { kind: 'meta' };

const truthy = (v: unknown): boolean => (isNumeric(v) ? asDouble(v) !== 0 : !!v);

const parseSlice = (arg: unknown): Special => {
  if (isNumeric(arg)) return { kind: 'slice', skip: null, n: Math.trunc(asDouble(arg)) };
  if (Array.isArray(arg) && arg.length === 2 && arg.every(isNumeric)) {
    const n = Math.trunc(asDouble(arg[1]));
    if (n <= 0) throw badValue('$slice limit must be positive');
    return { kind: 'slice', skip: Math.trunc(asDouble(arg[0])), n };
  }
  throw badValue('$slice only supports numbers and [skip, limit] arrays');
};

const parseValue = (v: unknown, hooks: MatcherHooks): Node => {
  if (isPlainDoc(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === '$slice') return parseSlice(v.$slice);
    if (keys.length === 1 && keys[0] === '$meta') {
      if (v.$meta !== 'textScore') throw badValue(`unsupported $meta: ${JSON.stringify(v.$meta)}`);
      return { kind: 'meta' };
    }
    if (keys.length === 1 && keys[0] === '$elemMatch') {
      const cond = v.$elemMatch;
      if (!isPlainDoc(cond)) throw badValue('elemMatch: Invalid argument, object required.');
      const first = Object.keys(cond)[0] ?? '';
      const value = first.startsWith('$') && !['$and', '$or', '$nor', '$expr'].includes(first);
      return { kind: 'elemMatch', value, match: compileQuery(value ? { v: cond } : cond, hooks) };
    }
    if (keys.length > 0 && keys.every((k) => !k.startsWith('$'))) return { kind: 'compute', expr: v };
    return { kind: 'compute', expr: v };
  }
  if (typeof v === 'boolean' || isNumeric(v)) return truthy(v) ? { kind: 'include' } : { kind: 'exclude' };
  return { kind: 'compute', expr: v };
};

interface Parsed {
  root: Map<string, Node>;
  inclusion: boolean;
  idExcluded: boolean;
  positional?: string;
}

const parse = (spec: Doc, hooks: MatcherHooks): Parsed => {
  const root = new Map<string, Node>();
  let inclusion: boolean | null = null;
  let positional: string | undefined;
  const mode = (inc: boolean, path: string): void => {
    if (inclusion === null) inclusion = inc;
    else if (inclusion !== inc)
      throw new MongoServerError(
        inc ? 31253 : 31254,
        `Cannot do ${inc ? 'inclusion' : 'exclusion'} on field ${path} in ${inc ? 'exclusion' : 'inclusion'} projection`,
      );
  };
  for (const [rawPath, v] of Object.entries(spec)) {
    let path = rawPath;
    let node = parseValue(v, hooks);
    if (path.endsWith('.$')) {
      if (positional) throw badValue('Cannot specify more than one positional projection per query.');
      path = path.slice(0, -2);
      positional = path;
      node = { kind: 'positional' };
    }
    if (path !== '_id' || node.kind === 'compute') {
      if (
        node.kind === 'include' ||
        node.kind === 'compute' ||
        node.kind === 'positional' ||
        node.kind === 'elemMatch'
      )
        mode(true, path);
      else if (node.kind === 'exclude') mode(false, path);
    }
    const parts = path.split('.');
    let level = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const p = parts[i] as string;
      let next = level.get(p);
      if (!next || next.kind !== 'tree') {
        if (next) throw new MongoServerError(31249, `Path collision at ${path}`);
        next = { kind: 'tree', children: new Map() };
        level.set(p, next);
      }
      level = next.children;
    }
    const last = parts[parts.length - 1] as string;
    if (level.has(last)) throw new MongoServerError(31250, `Path collision at ${path}`);
    level.set(last, node);
  }
  const id = root.get('_id');
  const idExcluded = id?.kind === 'exclude';
  if (id?.kind === 'exclude' || id?.kind === 'include') root.delete('_id');
  return { root, inclusion: inclusion ?? false, idExcluded, positional };
};

const slice = (arr: unknown[], s: { skip: number | null; n: number }): unknown[] => {
  if (s.skip === null) return s.n >= 0 ? arr.slice(0, s.n) : arr.slice(Math.max(0, arr.length + s.n));
  const start = s.skip >= 0 ? Math.min(s.skip, arr.length) : Math.max(0, arr.length + s.skip);
  return arr.slice(start, start + s.n);
};

export const compileProjection = (spec: Doc, env: ProjectionEnv = {}): ((doc: Doc) => Doc) => {
  const hooks = env.hooks ?? {};
  const p = parse(spec, hooks);
  const filter = p.positional && env.filter ? compileQuery(env.filter, hooks) : null;

  const special = (node: Special, value: unknown, doc: Doc, pos: number | undefined): unknown => {
    switch (node.kind) {
      case 'slice':
        return Array.isArray(value) ? slice(value, node) : value;
      case 'elemMatch': {
        if (!Array.isArray(value)) return undefined;
        const hit: unknown = (value as unknown[]).find((el) =>
          node.value ? node.match({ v: el }) : isPlainDoc(el) && node.match(el),
        );
        return hit === undefined ? undefined : [hit];
      }
      case 'positional': {
        if (!Array.isArray(value)) return value;
        if (pos === undefined || pos >= value.length)
          throw new MongoServerError(
            51246,
            "Executor error during find command :: caused by :: positional operator '.$' couldn't find a matching element in the array",
          );
        return [value[pos]];
      }
      case 'compute':
        return env.compute ? env.compute(doc, node.expr) : undefined;
      case 'meta':
        return TEXT_SCORES.get(doc);
    }
  };

  /** Inclusion: only named fields, in the document's order; computed fields follow. */
  const include = (src: Doc, level: Map<string, Node>, root: Doc, pos: number | undefined): Doc => {
    const out: Doc = {};
    for (const key of Object.keys(src)) {
      const node = level.get(key);
      if (!node || node.kind === 'exclude' || node.kind === 'compute' || node.kind === 'meta') continue;
      const v = src[key];
      if (node.kind === 'include') setOwn(out, key, cloneValue(v));
      else if (node.kind === 'tree') {
        const sub = subInclude(v, node.children, root, pos);
        if (sub !== undefined) setOwn(out, key, sub);
      } else {
        const r = special(node, v, root, pos);
        if (r !== undefined) setOwn(out, key, cloneValue(r));
      }
    }
    for (const [key, node] of level)
      if (node.kind === 'compute' || node.kind === 'meta') {
        const r = special(node, undefined, root, pos);
        if (r !== undefined) setOwn(out, key, r);
      }
    return out;
  };
  const subInclude = (v: unknown, level: Map<string, Node>, root: Doc, pos: number | undefined): unknown => {
    if (Array.isArray(v))
      return v
        .filter((el) => isPlainDoc(el) || Array.isArray(el))
        .map((el) => subInclude(el, level, root, pos));
    if (isPlainDoc(v)) return include(v, level, root, pos);
    return undefined;
  };

  /** Exclusion (and `$slice` alone): everything but the named fields. */
  const exclude = (src: Doc, level: Map<string, Node>, root: Doc): Doc => {
    const out: Doc = {};
    for (const key of Object.keys(src)) {
      const node = level.get(key);
      const v = src[key];
      if (!node) setOwn(out, key, cloneValue(v));
      else if (node.kind === 'exclude') continue;
      else if (node.kind === 'tree') setOwn(out, key, subExclude(v, node.children, root));
      else if (node.kind === 'include') setOwn(out, key, cloneValue(v));
      else setOwn(out, key, cloneValue(special(node, v, root, undefined)));
    }
    return out;
  };
  const subExclude = (v: unknown, level: Map<string, Node>, root: Doc): unknown => {
    if (Array.isArray(v))
      return (v as unknown[]).map((el) =>
        isPlainDoc(el) || Array.isArray(el) ? subExclude(el, level, root) : el,
      );
    if (isPlainDoc(v)) return exclude(v, level, root);
    return cloneValue(v);
  };

  return (doc) => {
    let pos: number | undefined;
    if (filter) {
      const state: { pos?: number } = {};
      filter(doc, state);
      pos = state.pos;
    }
    if (!p.inclusion) {
      const out = exclude(doc, p.root, doc);
      if (p.idExcluded) delete out._id;
      for (const [key, node] of p.root)
        if (node.kind === 'meta' && !(key in doc)) setOwn(out, key, TEXT_SCORES.get(doc));
      return out;
    }
    const out = include(doc, p.root, doc, pos);
    if (!p.idExcluded && doc._id !== undefined && !p.root.has('_id'))
      return { _id: cloneValue(doc._id), ...out };
    return out;
  };
};
