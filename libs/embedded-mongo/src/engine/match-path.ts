import { DBRef } from 'bson';
import type { Doc } from '../bson/values';

/**
 * One value a query path reaches in a document. `element` marks a member of an array found at the end of the path
 * (MongoDB tests both the array itself and each member); `pos` is the index taken in the first array on the way,
 * which the positional `$` of projections and updates refers to.
 */
export interface Candidate {
  value: unknown;
  element: boolean;
  pos?: number;
  /** The path reached an existing field (as opposed to `undefined` standing for a missing one). */
  present: boolean;
}

const isContainer = (v: unknown): v is Doc =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && v.constructor === Object;

/** A DBRef as the document it is stored as, so `ref.$id` paths reach into it. */
export const dbRefFields = (r: DBRef): Doc => {
  const o: Doc = { $ref: r.collection, $id: r.oid };
  if (r.db) o.$db = r.db;
  return { ...o, ...r.fields };
};

export const candidates = (doc: unknown, parts: string[], expand = true): Candidate[] => {
  const out: Candidate[] = [];
  const walk = (at: unknown, i: number, pos: number | undefined): void => {
    const cur = at instanceof DBRef && i < parts.length ? dbRefFields(at) : at;
    if (i === parts.length) {
      out.push({ value: cur, element: false, pos, present: cur !== undefined });
      if (expand && Array.isArray(cur))
        cur.forEach((el, k) => out.push({ value: el, element: true, pos: pos ?? k, present: true }));
      return;
    }
    const part = parts[i] as string;
    if (Array.isArray(cur)) {
      if (/^\d+$/.test(part)) {
        const idx = Number(part);
        if (idx < cur.length) walk(cur[idx], i + 1, pos);
        else out.push({ value: undefined, element: false, pos, present: false });
      }
      let any = false;
      cur.forEach((el, k) => {
        if (isContainer(el) || Array.isArray(el)) {
          any = true;
          // nested arrays are not traversed by field names, only their documents are
          if (isContainer(el)) walk(el[part], i + 1, pos ?? k);
        }
      });
      if (!any && !/^\d+$/.test(part)) out.push({ value: undefined, element: false, pos, present: false });
      return;
    }
    if (isContainer(cur)) {
      walk(Object.prototype.hasOwnProperty.call(cur, part) ? cur[part] : undefined, i + 1, pos);
      return;
    }
    out.push({ value: undefined, element: false, pos, present: false });
  };
  walk(doc, 0, undefined);
  return out;
};
