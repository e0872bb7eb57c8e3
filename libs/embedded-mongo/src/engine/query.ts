import { type SortSpec, sortDocs, type StringCompare } from '../bson/compare';
import { type Doc, keyString } from '../bson/values';
import { evaluate, QUERY_HOOKS } from './agg-numeric';
import type { Ctx } from './context';
import type { Rec } from './index-store';
import { tick } from './deadline';
import type { Collection } from './collection';
import { type Collation, effectiveCollation } from './collation';
import { GEO_DISTANCES } from './geo';
import { compileQuery, type MatcherHooks } from './matcher';
import { compileText, isTextIndex } from './text-search';
import { compileProjection } from './projection';
import { hintedIndex, plan, scanEntries } from './planner';

export interface FindSpec {
  filter: Doc;
  sort: SortSpec;
  skip: number;
  /** 0 = no limit */
  limit: number;
  /** An index name or key pattern the plan must use (`{$natural: 1}`: a collection scan). */
  hint?: unknown;
  /** The command's `collation` (parseCollation): undefined = the collection's default, null = simple. */
  collation?: Collation | null;
}

export interface ExecStats {
  stage: 'IDHACK' | 'IXSCAN' | 'COLLSCAN' | 'EOF';
  indexName?: string;
  keysExamined: number;
  docsExamined: number;
}

export type Matcher = (rec: Rec) => boolean;

/** Clients never get to run JavaScript on the server (`$where`, `$function`, `$accumulator`). */
export const NO_SCRIPTS = { scriptEnabled: false } as const;

/** `$near`/`$nearSphere` results come nearest first. */
const hasNear = (filter: Doc): boolean =>
  Object.values(filter).some(
    (v) => !!v && typeof v === 'object' && !Array.isArray(v) && ('$near' in v || '$nearSphere' in v),
  ) ||
  (Array.isArray(filter.$and) && (filter.$and as Doc[]).some((f) => hasNear(f)));

const hooksFor = (coll: Collection | undefined, strCmp?: StringCompare): MatcherHooks => ({
  ...QUERY_HOOKS,
  ...(strCmp ? { strCmp } : {}),
  topOps: {
    $text: (arg) =>
      compileText(arg, [...(coll?.indexes.values() ?? [])].find((i) => isTextIndex(i.spec))?.spec),
  },
});

export const compileFilter = (filter: Doc, coll?: Collection, strCmp?: StringCompare): Matcher => {
  if (!filter || Object.keys(filter).length === 0) return () => true;
  const q = compileQuery(filter, hooksFor(coll, strCmp));
  return (rec) => q(rec.doc);
};

/** The string comparison a query on `coll` runs under (its own collation, else the collection default). */
export const queryCollation = (
  coll: Collection | undefined,
  spec: Pick<FindSpec, 'collation'>,
): StringCompare | undefined => effectiveCollation(spec.collation, coll?.options)?.compare;

/** `{_id: <plain value>}` – the single most common lookup, served straight from the primary map. */
const idEquality = (filter: Doc, collated: boolean): string | undefined => {
  const keys = Object.keys(filter);
  if (keys.length !== 1 || keys[0] !== '_id') return undefined;
  let v = filter._id;
  if (v !== null && typeof v === 'object' && v.constructor === Object) {
    const ops = Object.keys(v);
    if (ops.length !== 1 || ops[0] !== '$eq') return undefined;
    v = (v as Doc).$eq;
    if (v !== null && typeof v === 'object' && v.constructor === Object) return undefined;
  }
  if (Array.isArray(v) || v instanceof RegExp) return undefined;
  // under a collation "A" and "a" may be the same _id: a scan decides
  if (collated && (typeof v === 'string' || (v !== null && typeof v === 'object'))) return undefined;
  return keyString(v);
};

/** Runs a query against the context's view (committed state, plus the transaction's overlay if any). */
export const findRecords = (ctx: Ctx, ns: string, spec: FindSpec, stats?: ExecStats): Rec[] => {
  const st: ExecStats = stats ?? { stage: 'COLLSCAN', keysExamined: 0, docsExamined: 0 };
  const coll = ctx.coll(ns);
  const overlay = ctx.txn?.entries(ns);
  // compiled before anything is read, so an invalid filter fails even when no document is examined
  const strCmp = queryCollation(coll, spec);
  const match: Matcher = compileFilter(spec.filter, coll, strCmp);
  const id = spec.hint === undefined ? idEquality(spec.filter, !!strCmp) : undefined;
  if (id !== undefined) {
    st.stage = 'IDHACK';
    const rec = ctx.lookup(ns, id);
    st.keysExamined = st.docsExamined = rec ? 1 : 0;
    return rec && spec.skip === 0 ? [rec] : [];
  }
  if (!coll && !overlay?.size) {
    st.stage = 'EOF';
    return [];
  }
  const want = spec.limit > 0 ? spec.skip + spec.limit : Infinity;
  const out: Rec[] = [];
  const snap = ctx.txn?.snapshot;
  // Documents changed since a transaction's snapshot are read from their old versions, not the indexes.
  const history = snap !== undefined && coll && coll.history.size > 0 ? coll.history : null;
  const hasOverlay = (!!overlay && overlay.size > 0) || !!history;
  const hinted = coll ? hintedIndex(coll.indexes.values(), spec.hint) : undefined;
  // Index keys are in binary order: a collated query scans (mongod would use an index of the same collation).
  const p =
    coll && hinted !== null && !strCmp ? plan(coll.indexes.values(), spec.filter, spec.sort, hinted) : null;
  const byDistance = spec.sort.length === 0 && hasNear(spec.filter);
  const inOrder = !!p && p.ordered && !hasOverlay && !byDistance;
  // early stop is only sound when the scan order is the final order
  const canStop = inOrder || (spec.sort.length === 0 && !hasOverlay && !byDistance);
  if (coll && p) {
    st.stage = 'IXSCAN';
    st.indexName = p.index.name;
    const seen = p.index.multikey || p.scans.length > 1 ? new Set<string>() : null;
    for (const e of scanEntries(p)) {
      tick();
      st.keysExamined++;
      if (seen) {
        if (seen.has(e.id)) continue;
        seen.add(e.id);
      }
      if (overlay?.has(e.id)) continue;
      const rec = coll.records.get(e.id);
      if (!rec || (snap !== undefined && (rec.ver ?? 0) > snap)) continue;
      st.docsExamined++;
      if (p.exact || match(rec)) {
        out.push(rec);
        if (canStop && out.length >= want) break;
      }
    }
  } else if (coll) {
    for (const rec of coll.records.values()) {
      tick();
      if (overlay?.has(rec.id) || (snap !== undefined && (rec.ver ?? 0) > snap)) continue;
      st.docsExamined++;
      if (match(rec)) {
        out.push(rec);
        if (canStop && out.length >= want) break;
      }
    }
  }
  if (history && coll && snap !== undefined)
    for (const [id, versions] of history) {
      if (overlay?.has(id)) continue;
      const cur = coll.records.get(id);
      if (cur && (cur.ver ?? 0) <= snap) continue; // current version is visible and was already scanned
      const old = versions.find((h) => h.from <= snap && snap < h.until);
      if (old && match(old.rec)) out.push(old.rec);
    }
  if (overlay) for (const e of overlay.values()) if (e.rec && match(e.rec)) out.push(e.rec);
  const sorted = byDistance
    ? out.sort((a, b) => (GEO_DISTANCES.get(a.doc) ?? 0) - (GEO_DISTANCES.get(b.doc) ?? 0))
    : inOrder
      ? out
      : sortDocs(out, spec.sort, (r) => r.doc, strCmp);
  return spec.limit > 0 || spec.skip > 0
    ? sorted.slice(spec.skip, spec.limit > 0 ? spec.skip + spec.limit : undefined)
    : sorted;
};

export const applyProjection = (docs: Doc[], projection: Doc | undefined, filter?: Doc): Doc[] => {
  if (!projection || Object.keys(projection).length === 0) return docs;
  const project = compileProjection(projection, { filter, hooks: QUERY_HOOKS, compute: evaluate });
  return docs.map(project);
};
