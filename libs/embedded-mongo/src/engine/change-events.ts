import { Binary, EJSON, Timestamp } from 'bson';
import { type Doc, getPath, isPlainDoc, keyString } from '../bson/values';
import type { Catalog } from './catalog';
import type { ChangeEntry, LogKey } from './change-log';
import type { Collection } from './collection';
import { MongoServerError } from './errors';

/** Which changes a stream sees: one collection, one database, or the whole deployment. */
export type StreamScope = { kind: 'coll'; ns: string } | { kind: 'db'; db: string } | { kind: 'cluster' };

export type FullDocumentMode = 'default' | 'updateLookup' | 'whenAvailable' | 'required';
export type BeforeChangeMode = 'off' | 'whenAvailable' | 'required';

export interface StreamOptions {
  fullDocument: FullDocumentMode;
  fullDocumentBeforeChange: BeforeChangeMode;
  /** showExpandedEvents: DDL events (create, createIndexes, dropIndexes, modify) and collectionUUID. */
  expanded?: boolean;
}

const uuidOf = (c: Collection | undefined): Doc => (c ? { collectionUUID: new Binary(c.uuid, 4) } : {});

/** Resume token kinds: an event, the invalidate after a drop/rename, a high-water mark between events. */
const EVENT = 0;
const INVALIDATE = 1;
const HIGH_WATER = 2;
/** A scan position: resume strictly after this exact key (no event need exist there). */
const POSITION = 3;
const HWM_IDX = 0xffffffff;

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

export const resumeToken = (key: LogKey, kind = EVENT): Doc => ({
  _data:
    '00' +
    hex(key.t, 8) +
    hex(key.i, 8) +
    hex(kind === HIGH_WATER ? HWM_IDX : kind === POSITION ? key.idx + 1 : key.idx, 8) +
    hex(kind, 2),
});

/** A high-water-mark token: resuming from it sees every event after cluster time `ts`. */
export const highWaterMark = (ts: Timestamp): Doc =>
  resumeToken({ t: ts.high, i: ts.low, idx: 0 }, HIGH_WATER);

/** The token of a position in the log (a stream that stopped before the newest changes). */
export const positionToken = (key: LogKey): Doc =>
  key.idx === Number.MAX_SAFE_INTEGER ? resumeToken(key, HIGH_WATER) : resumeToken(key, POSITION);

export interface DecodedToken {
  key: LogKey;
  invalidate: boolean;
  /** The token of an event or an invalidate (not a high-water mark): resuming checks it exists. */
  event: boolean;
}

export const decodeToken = (token: unknown): DecodedToken => {
  const data = isPlainDoc(token) ? token._data : undefined;
  if (typeof data !== 'string' || !/^00[0-9a-f]{26}$/.test(data))
    throw new MongoServerError(
      2,
      `Invalid resume token: ${isPlainDoc(token) ? '_data must be a resume token string' : 'expected an object'}`,
    );
  const kind = parseInt(data.slice(26, 28), 16);
  if (kind > POSITION) throw new MongoServerError(2, 'Invalid resume token: unknown token type');
  const idx = parseInt(data.slice(18, 26), 16);
  return {
    key: {
      t: parseInt(data.slice(2, 10), 16),
      i: parseInt(data.slice(10, 18), 16),
      idx: kind === HIGH_WATER ? Number.MAX_SAFE_INTEGER : kind === POSITION ? idx - 1 : idx,
    },
    invalidate: kind === INVALIDATE,
    event: kind === EVENT || kind === INVALIDATE,
  };
};

const INTERNAL_DBS = new Set(['admin', 'config', 'local']);

const split = (ns: string): { db: string; coll: string } => {
  const dot = ns.indexOf('.');
  return { db: ns.slice(0, dot), coll: ns.slice(dot + 1) };
};

const sees = (scope: StreamScope, ns: string): boolean => {
  if (scope.kind === 'coll') return ns === scope.ns;
  const { db, coll } = split(ns);
  if (coll.startsWith('system.')) return false;
  return scope.kind === 'db' ? db === scope.db : !INTERNAL_DBS.has(db);
};

type Path = string;

/** Operators whose target mongod logs as a whole new value (or a removal). */
const WHOLE = new Set([
  '$set',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$currentDate',
  '$bit',
  '$unset',
  '$pop',
  '$pull',
  '$pullAll',
  // mongod's AddToSetNode logs the whole array it changed (only $push logs appended elements by index)
  '$addToSet',
]);
/** Operators that append to an array: mongod logs the new elements by index. */
const APPEND = new Set(['$push']);

/**
 * The paths an operator update wrote and how mongod 7.0 reports each: `whole` (the new value, or removed),
 * `append` (new array elements by index, else the whole array), `diff` (compared field by field: positional
 * paths, whose element is only known from the documents).
 */
const regionsOf = (update: Doc): Map<Path, 'whole' | 'append' | 'diff'> => {
  const out = new Map<Path, 'whole' | 'append' | 'diff'>();
  for (const [op, arg] of Object.entries(update)) {
    if (!isPlainDoc(arg)) continue;
    for (const [path, value] of Object.entries(arg)) {
      const targets = op === '$rename' && typeof value === 'string' ? [path, value] : [path];
      for (const p of targets) {
        const dollar = p.split('.').findIndex((seg) => seg.startsWith('$'));
        if (dollar >= 0) out.set(p.split('.').slice(0, dollar).join('.'), 'diff');
        else out.set(p, op === '$rename' || WHOLE.has(op) ? 'whole' : APPEND.has(op) ? 'append' : 'diff');
      }
    }
  }
  // a region inside another one is covered by it
  for (const p of [...out.keys()])
    for (const q of out.keys()) if (q !== p && (p.startsWith(q + '.') || q === '')) out.delete(p);
  return out;
};

/**
 * updatedFields/removedFields/truncatedArrays between two versions of a document. With the operator update
 * that made them, each written path is reported as mongod logs that operator; otherwise (pipeline updates)
 * the documents are compared field by field, arrays element by element.
 */
export const updateDescription = (before: Doc, after: Doc, update?: Doc): Doc => {
  const updatedFields: Doc = {};
  const removedFields: string[] = [];
  const truncatedArrays: Doc[] = [];
  const same = (a: unknown, b: unknown): boolean => keyString(a) === keyString(b) && typeof a === typeof b;
  const diffArrays = (a: unknown[], b: unknown[], path: Path): void => {
    if (b.length < a.length) truncatedArrays.push({ field: path, newSize: b.length });
    b.forEach((v, i) => {
      const sub = `${path}.${i}`;
      if (i >= a.length) updatedFields[sub] = v;
      else diffValue(a[i], v, sub);
    });
  };
  const diffValue = (a: unknown, b: unknown, path: Path): void => {
    if (isPlainDoc(a) && isPlainDoc(b)) diffDocs(a, b, `${path}.`);
    else if (Array.isArray(a) && Array.isArray(b)) diffArrays(a, b, path);
    else if (!same(a, b)) updatedFields[path] = b;
  };
  const diffDocs = (a: Doc, b: Doc, prefix: string): void => {
    for (const k of Object.keys(a)) if (!(k in b)) removedFields.push(prefix + k);
    for (const [k, v] of Object.entries(b)) {
      if (!(k in a)) updatedFields[prefix + k] = v;
      else diffValue(a[k], v, prefix + k);
    }
  };
  if (!update) {
    diffDocs(before, after, '');
    return { updatedFields, removedFields, truncatedArrays };
  }
  for (const [path, how] of regionsOf(update)) {
    const a = getPath(before, path);
    const b = getPath(after, path);
    if (b === undefined) {
      if (a !== undefined) removedFields.push(path);
    } else if (how === 'diff') {
      if (a === undefined) updatedFields[path] = b;
      else diffValue(a, b, path);
    } else if (
      how === 'append' &&
      Array.isArray(a) &&
      Array.isArray(b) &&
      b.length > a.length &&
      a.every((v, i) => same(v, b[i]))
    ) {
      for (let i = a.length; i < b.length; i++) updatedFields[`${path}.${i}`] = b[i];
    } else if (a === undefined || !same(a, b)) updatedFields[path] = b;
  }
  return { updatedFields, removedFields, truncatedArrays };
};

/**
 * `showExpandedEvents` (mongod 7.0): `disambiguatedPaths` names, for every reported path with a numeric field
 * name (which a reader could take for an array index), its components: array indices as integers, field
 * names as strings. Removed paths are resolved in the version before, the others in the version after.
 * (Field names containing a dot cannot be told apart here: the paths are already joined with dots.)
 */
const withDisambiguatedPaths = (ud: Doc, before: Doc, after: Doc): Doc => {
  const disambiguatedPaths: Doc = {};
  const resolve = (path: string, doc: Doc): void => {
    const parts: unknown[] = [];
    let ambiguous = false;
    let at: unknown = doc;
    for (const seg of path.split('.')) {
      if (Array.isArray(at) && /^\d+$/.test(seg)) {
        parts.push(Number(seg));
        at = at[Number(seg)];
        continue;
      }
      if (/^\d+$/.test(seg)) ambiguous = true;
      parts.push(seg);
      at = isPlainDoc(at) ? at[seg] : undefined;
    }
    if (ambiguous) disambiguatedPaths[path] = parts;
  };
  for (const p of Object.keys(ud.updatedFields as Doc)) resolve(p, after);
  for (const p of ud.removedFields as string[]) resolve(p, before);
  for (const t of ud.truncatedArrays as Doc[]) resolve(String(t.field), after);
  return { ...ud, disambiguatedPaths };
};

const describe = (ns: string, id: unknown): string =>
  `{ns: ${ns}, documentKey: ${EJSON.stringify({ _id: id }, { relaxed: true })}}`;

const docOf = (catalog: Catalog, ns: string, id: string): Doc | null => catalog.get(ns)?.get(id)?.doc ?? null;

/** The change events (0, 1 or 2: an event and the invalidate it causes) one log entry means to a stream. */
export const eventsFor = (
  e: ChangeEntry,
  key: LogKey,
  scope: StreamScope,
  opts: StreamOptions,
  catalog: Catalog,
): Doc[] => {
  const op = e.op;
  const head = (operationType: string): Doc => ({
    _id: resumeToken(key),
    operationType,
    clusterTime: e.ts,
    wallTime: new Date(e.wall),
  });
  const txn = e.txn ? { lsid: e.txn.lsid, txnNumber: e.txn.txnNumber } : {};
  const uuid = opts.expanded ? uuidOf(e.coll) : {};
  const invalidate = (): Doc => ({
    _id: resumeToken(key, INVALIDATE),
    operationType: 'invalidate',
    clusterTime: e.ts,
    wallTime: new Date(e.wall),
  });
  switch (op.t) {
    case 'put':
    case 'del': {
      if (!sees(scope, op.ns)) return [];
      const ns = split(op.ns);
      const event = (): Doc => {
        if (op.t === 'del') return { ...head('delete'), ns, documentKey: { _id: op.idValue } };
        const documentKey = { _id: op.rec.doc._id };
        if (!e.prev) return { ...head('insert'), fullDocument: op.rec.doc, ns, documentKey };
        if (op.rec.replace) return { ...head('replace'), fullDocument: op.rec.doc, ns, documentKey };
        const post = (): Doc | null => {
          if (opts.fullDocument === 'updateLookup') return docOf(catalog, op.ns, op.rec.id);
          if (e.images) return op.rec.doc;
          if (opts.fullDocument === 'required')
            throw new MongoServerError(
              47,
              'Change stream was configured to require a post-image for all update events, but the ' +
                `post-image was not found for event: ${describe(op.ns, op.rec.doc._id)}`,
            );
          return null;
        };
        return {
          ...head('update'),
          ...(opts.fullDocument === 'default' ? {} : { fullDocument: post() }),
          ns,
          documentKey,
          updateDescription: opts.expanded
            ? withDisambiguatedPaths(
                updateDescription(e.prev.doc, op.rec.doc, op.update),
                e.prev.doc,
                op.rec.doc,
              )
            : updateDescription(e.prev.doc, op.rec.doc, op.update),
        };
      };
      const ev = event();
      if (opts.fullDocumentBeforeChange !== 'off' && ev.operationType !== 'insert') {
        if (e.images && e.prev) ev.fullDocumentBeforeChange = e.prev.doc;
        else if (opts.fullDocumentBeforeChange === 'required')
          throw new MongoServerError(
            47,
            'Change stream was configured to require a pre-image for all update, delete and replace events, ' +
              `but the pre-image was not found for event: ${describe(op.ns, (ev.documentKey as Doc)._id)}`,
          );
        else ev.fullDocumentBeforeChange = null;
      }
      return [{ ...ev, ...txn, ...uuid }];
    }
    case 'drop': {
      if (!sees(scope, op.ns)) return [];
      const drop = { ...head('drop'), ...uuid, ns: split(op.ns) };
      return scope.kind === 'coll' ? [drop, invalidate()] : [drop];
    }
    case 'rename': {
      if (!sees(scope, op.from)) return [];
      const rename = {
        ...head('rename'),
        ...uuid,
        ns: split(op.from),
        to: split(op.to),
        ...(opts.expanded
          ? {
              operationDescription: {
                to: split(op.to),
                ...(e.replaced ? { dropTarget: new Binary(e.replaced.uuid, 4) } : {}),
              },
            }
          : {}),
      };
      return scope.kind === 'coll' ? [rename, invalidate()] : [rename];
    }
    case 'dropDatabase': {
      if (scope.kind === 'coll' || (scope.kind === 'db' ? scope.db !== op.db : INTERNAL_DBS.has(op.db)))
        return [];
      const dropped = { ...head('dropDatabase'), ns: { db: op.db } };
      return scope.kind === 'db' ? [dropped, invalidate()] : [dropped];
    }
    case 'create': {
      if (!opts.expanded || !sees(scope, op.ns)) return [];
      const viewOn = op.options.viewOn;
      const operationDescription =
        typeof viewOn === 'string'
          ? { viewOn, pipeline: op.options.pipeline ?? [] }
          : { idIndex: { v: 2, key: { _id: 1 }, name: '_id_' } };
      return [{ ...head('create'), ...uuid, ns: split(op.ns), operationDescription, ...txn }];
    }
    case 'createIndex':
    case 'dropIndex': {
      if (!opts.expanded || !sees(scope, op.ns)) return [];
      const spec = op.t === 'createIndex' ? op.spec : e.before;
      return [
        {
          ...head(op.t === 'createIndex' ? 'createIndexes' : 'dropIndexes'),
          ...uuid,
          ns: split(op.ns),
          operationDescription: { indexes: [spec] },
          ...txn,
        },
      ];
    }
    case 'collMod': {
      if (!opts.expanded || !sees(scope, op.ns)) return [];
      const before = e.before ?? {};
      const was = (before.collectionOptions ?? {}) as Doc;
      return [
        {
          ...head('modify'),
          ...uuid,
          ns: split(op.ns),
          operationDescription: {
            ...op.options,
            ...(op.index ? { index: { name: op.index.name, ...op.index.set } } : {}),
          },
          stateBeforeChange: {
            collectionOptions: { uuid: new Binary((e.coll as Collection).uuid, 4), ...was },
            ...(before.indexOptions ? { indexOptions: before.indexOptions } : {}),
          },
        },
      ];
    }
    case 'dropDb':
      return []; // logged as one drop per collection, then dropDatabase
  }
};

export const isInvalidate = (ev: Doc): boolean => ev.operationType === 'invalidate';

export const timestampOf = (v: unknown): Timestamp | null => (v instanceof Timestamp ? v : null);
