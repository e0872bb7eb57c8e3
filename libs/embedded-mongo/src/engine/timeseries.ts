import { ObjectId } from 'bson';
import { compareBson } from '../bson/compare';
import { bsonTypeName } from '../bson/types';
import { type Doc, isPlainDoc, keyString } from '../bson/values';
import type { Collection } from './collection';
import type { Ctx } from './context';
import { MongoServerError } from './errors';
import type { Rec } from './index-store';

/**
 * Time-series collections as mongod 7.0 keeps them: `db.name` is a catalog entry with the `timeseries` options
 * (reported as `type: "timeseries"`), and the measurements live in buckets in `db.system.buckets.name`, one
 * document per group of measurements with the same meta value whose times fall in one bucket span, in mongod's
 * uncompressed (version 1) layout: `{_id, control: {version: 1, min, max}, meta, data: {field: {"0": v, ...}}}`.
 * Every bucket has its own ObjectId `_id` (its timestamp the bucket's rounded start), so measurements may
 * repeat an `_id` and the storage still keys every document uniquely. Reads unpack the buckets
 * (`$_internalUnpackBucket`, mongod's stage name), one measurement per index; field order follows the
 * bucket's columns, as in mongod.
 */
export interface TimeseriesSpec {
  timeField: string;
  metaField?: string;
  granularity?: 'seconds' | 'minutes' | 'hours';
  bucketMaxSpanSeconds: number;
  bucketRoundingSeconds: number;
}

/** mongod's limit of measurements per bucket. */
const BUCKET_MAX_COUNT = 1000;
/** A year: the largest bucketMaxSpanSeconds / bucketRoundingSeconds mongod accepts. */
const MAX_SPAN = 31_536_000;

const GRANULARITY: Record<string, { span: number; rounding: number }> = {
  seconds: { span: 3600, rounding: 60 },
  minutes: { span: 86_400, rounding: 3600 },
  hours: { span: 2_592_000, rounding: 86_400 },
};
const GRANULARITY_ORDER = ['seconds', 'minutes', 'hours'];

export const BUCKETS_PREFIX = 'system.buckets.';

export const bucketsNs = (ns: string): string => {
  const dot = ns.indexOf('.');
  return `${ns.slice(0, dot)}.${BUCKETS_PREFIX}${ns.slice(dot + 1)}`;
};

/** The time-series entry (not its buckets collection). */
export const isTimeseries = (coll: Collection | undefined): boolean =>
  !!coll && isPlainDoc(coll.options.timeseries) && !coll.name.startsWith(BUCKETS_PREFIX);

const NUMERIC = ['int', 'long', 'double', 'decimal'];

const fieldName = (v: unknown, field: string): string => {
  if (typeof v !== 'string')
    throw new MongoServerError(
      14,
      `BSON field 'create.timeseries.${field}' is the wrong type '${bsonTypeName(v)}', expected type 'string'`,
    );
  if (v.includes('.') || v.startsWith('$') || v.length === 0)
    throw new MongoServerError(
      72,
      `The '${field}' field cannot be empty, contain '.' or start with '$': ${v}`,
    );
  return v;
};

const seconds = (v: unknown, field: string): number => {
  if (!NUMERIC.includes(bsonTypeName(v)))
    throw new MongoServerError(
      14,
      `BSON field 'create.timeseries.${field}' is the wrong type '${bsonTypeName(v)}', expected type 'int'`,
    );
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > MAX_SPAN)
    throw new MongoServerError(
      2,
      `BSON field 'create.timeseries.${field}' value must be in the range [1, ${MAX_SPAN}]`,
    );
  return n;
};

/** Parses `create`'s `timeseries` option as mongod 7.0 does, with its defaults filled in. */
export const parseTimeseries = (raw: unknown): TimeseriesSpec => {
  if (!isPlainDoc(raw))
    throw new MongoServerError(
      14,
      "BSON field 'create.timeseries' is the wrong type, expected type 'object'",
    );
  for (const k of Object.keys(raw))
    if (
      !['timeField', 'metaField', 'granularity', 'bucketMaxSpanSeconds', 'bucketRoundingSeconds'].includes(k)
    )
      throw new MongoServerError(40415, `BSON field 'create.timeseries.${k}' is an unknown field.`);
  if (raw.timeField === undefined)
    throw new MongoServerError(
      40414,
      "BSON field 'create.timeseries.timeField' is missing but a required field",
    );
  const timeField = fieldName(raw.timeField, 'timeField');
  const metaField = raw.metaField === undefined ? undefined : fieldName(raw.metaField, 'metaField');
  if (metaField === timeField)
    throw new MongoServerError(72, "The 'metaField' and 'timeField' must be different fields");
  if (metaField === '_id') throw new MongoServerError(72, "The 'metaField' cannot be '_id'");
  const custom = raw.bucketMaxSpanSeconds !== undefined || raw.bucketRoundingSeconds !== undefined;
  if (custom) {
    if (raw.granularity !== undefined)
      throw new MongoServerError(
        72,
        "Timeseries 'bucketMaxSpanSeconds' and 'bucketRoundingSeconds' cannot be set together with 'granularity'",
      );
    if (raw.bucketMaxSpanSeconds === undefined || raw.bucketRoundingSeconds === undefined)
      throw new MongoServerError(
        72,
        "Timeseries 'bucketMaxSpanSeconds' and 'bucketRoundingSeconds' must be set together",
      );
    const span = seconds(raw.bucketMaxSpanSeconds, 'bucketMaxSpanSeconds');
    const rounding = seconds(raw.bucketRoundingSeconds, 'bucketRoundingSeconds');
    if (span !== rounding)
      throw new MongoServerError(
        72,
        "Timeseries 'bucketMaxSpanSeconds' and 'bucketRoundingSeconds' fields must be equal",
      );
    return {
      timeField,
      ...(metaField ? { metaField } : {}),
      bucketMaxSpanSeconds: span,
      bucketRoundingSeconds: rounding,
    };
  }
  const granularity = raw.granularity ?? 'seconds';
  if (typeof granularity !== 'string' || !GRANULARITY[granularity])
    throw new MongoServerError(
      2,
      `Enumeration value '${JSON.stringify(granularity)}' for field 'create.timeseries.granularity' is not a valid value.`,
    );
  const g = GRANULARITY[granularity];
  return {
    timeField,
    ...(metaField ? { metaField } : {}),
    granularity: granularity as TimeseriesSpec['granularity'],
    bucketMaxSpanSeconds: g.span,
    bucketRoundingSeconds: g.rounding,
  };
};

/** The spec as stored in a collection's options. */
export const specOf = (options: Doc): TimeseriesSpec => options.timeseries as TimeseriesSpec;

/** What listCollections reports under `options.timeseries` (mongod 7.0: granularity or the bucketing pair). */
export const reportedOptions = (spec: TimeseriesSpec): Doc => {
  const out: Doc = { timeField: spec.timeField };
  if (spec.metaField) out.metaField = spec.metaField;
  if (spec.granularity) out.granularity = spec.granularity;
  else out.bucketRoundingSeconds = spec.bucketRoundingSeconds;
  out.bucketMaxSpanSeconds = spec.bucketMaxSpanSeconds;
  return out;
};

/**
 * `collMod` of `timeseries.granularity`: only coarser (seconds → minutes → hours), as mongod 7.0; the same
 * value is a no-op. Returns the new spec.
 */
export const modifiedGranularity = (spec: TimeseriesSpec, raw: unknown): TimeseriesSpec => {
  if (!isPlainDoc(raw)) throw new MongoServerError(14, "BSON field 'collMod.timeseries' must be an object");
  for (const k of Object.keys(raw))
    if (k !== 'granularity')
      throw new MongoServerError(
        k === 'bucketMaxSpanSeconds' || k === 'bucketRoundingSeconds' ? 72 : 40415,
        k === 'bucketMaxSpanSeconds' || k === 'bucketRoundingSeconds'
          ? `Changing '${k}' of a time-series collection is not supported by the embedded server`
          : `BSON field 'collMod.timeseries.${k}' is an unknown field.`,
      );
  const next = raw.granularity;
  if (typeof next !== 'string' || !GRANULARITY[next])
    throw new MongoServerError(
      2,
      `Enumeration value '${String(next)}' for field 'collMod.timeseries.granularity' is not a valid value.`,
    );
  const current = spec.granularity;
  if (current === next) return spec;
  if (!current || GRANULARITY_ORDER.indexOf(next) < GRANULARITY_ORDER.indexOf(current))
    throw new MongoServerError(
      72,
      `Invalid transition for timeseries.granularity. Can only transition from 'seconds' to 'minutes' or 'minutes' to 'hours'.`,
    );
  const g = GRANULARITY[next];
  return {
    ...spec,
    granularity: next as TimeseriesSpec['granularity'],
    bucketMaxSpanSeconds: g.span,
    bucketRoundingSeconds: g.rounding,
  };
};

/** A bucket's ObjectId: its timestamp is the bucket's start, the other 8 bytes those of a fresh ObjectId. */
const bucketId = (startSeconds: number): ObjectId => {
  const bytes = Buffer.from(new ObjectId().id);
  bytes.writeUInt32BE(startSeconds >>> 0, 0);
  return new ObjectId(bytes);
};

const count = (bucket: Doc, timeField: string): number =>
  Object.keys((bucket.data as Doc)[timeField] as Doc).length;

const sameMeta = (bucket: Doc, meta: unknown): boolean =>
  keyString(bucket.meta === undefined ? null : bucket.meta) === keyString(meta === undefined ? null : meta);

/**
 * Inserts one measurement: checks the time field (BadValue 2 as mongod when missing or not a date), then
 * adds it to the open bucket of its meta value whose span covers its time, or starts a new bucket.
 */
export const insertMeasurement = (ctx: Ctx, ns: string, spec: TimeseriesSpec, doc: Doc): void => {
  const time = doc[spec.timeField];
  if (!(time instanceof Date) || Number.isNaN(time.getTime()))
    throw new MongoServerError(
      2,
      `'${spec.timeField}' must be present and contain a valid BSON UTC datetime value`,
    );
  const hasMeta = spec.metaField !== undefined && doc[spec.metaField] !== undefined;
  const meta = hasMeta ? doc[spec.metaField as string] : undefined;
  const buckets = bucketsNs(ns);
  const t = time.getTime();
  let target: Rec | undefined;
  for (const rec of ctx.coll(buckets)?.records.values() ?? []) {
    const b = rec.doc;
    const start = ((b.control as Doc).min as Doc)[spec.timeField] as Date;
    if (
      sameMeta(b, meta) &&
      t >= start.getTime() &&
      t < start.getTime() + spec.bucketMaxSpanSeconds * 1000 &&
      count(b, spec.timeField) < BUCKET_MAX_COUNT
    )
      target = rec;
  }
  const fields = Object.entries(doc).filter(([k]) => !(hasMeta && k === spec.metaField));
  if (!target) {
    const startSeconds = Math.floor(t / 1000 / spec.bucketRoundingSeconds) * spec.bucketRoundingSeconds;
    const min: Doc = {};
    const max: Doc = {};
    const data: Doc = {};
    for (const [k, v] of fields) {
      min[k] = v;
      max[k] = v;
      data[k] = { '0': v };
    }
    min[spec.timeField] = new Date(startSeconds * 1000);
    const bucket: Doc = { _id: bucketId(startSeconds), control: { version: 1, min, max } };
    if (hasMeta) bucket.meta = meta;
    bucket.data = data;
    ctx.put(buckets, ctx.makeRec(bucket), undefined);
    return;
  }
  const b = target.doc;
  const control = b.control as Doc;
  const min = { ...(control.min as Doc) };
  const max = { ...(control.max as Doc) };
  const data: Doc = { ...(b.data as Doc) };
  const i = String(count(b, spec.timeField));
  for (const [k, v] of fields) {
    data[k] = { ...(data[k] ?? {}), [i]: v };
    if (k === spec.timeField) {
      if (compareBson(v, max[k]) > 0) max[k] = v;
      continue;
    }
    if (!(k in min) || compareBson(v, min[k]) < 0) min[k] = v;
    if (!(k in max) || compareBson(v, max[k]) > 0) max[k] = v;
  }
  const next: Doc = { _id: b._id, control: { ...control, min, max } };
  if (b.meta !== undefined) next.meta = b.meta;
  next.data = data;
  ctx.put(buckets, ctx.makeRec(next, target), target);
};

/** `$_internalUnpackBucket`: the measurements of every bucket, in bucket order then insertion order. */
export const unpackBuckets = (buckets: Doc[], raw: unknown): Doc[] => {
  const spec = isPlainDoc(raw) ? raw : {};
  const timeField = typeof spec.timeField === 'string' ? spec.timeField : undefined;
  if (!timeField) throw new MongoServerError(5346503, "$_internalUnpackBucket requires a 'timeField'");
  const metaField = typeof spec.metaField === 'string' ? spec.metaField : undefined;
  const out: Doc[] = [];
  for (const b of buckets) {
    const data = b.data as Doc;
    const n = count(b, timeField);
    for (let i = 0; i < n; i++) {
      const key = String(i);
      const doc: Doc = {};
      for (const [field, column] of Object.entries(data)) {
        const v = (column as Doc)[key];
        if (v !== undefined) doc[field] = v;
      }
      if (metaField && b.meta !== undefined) doc[metaField] = b.meta;
      out.push(doc);
    }
  }
  return out;
};

/** TTL of a time-series collection: a bucket goes once its newest measurement is older than expireAfterSeconds. */
export const expiredBuckets = (
  coll: Collection,
  spec: TimeseriesSpec,
  ttlSeconds: number,
  now: number,
): Rec[] => {
  const cutoff = now - ttlSeconds * 1000;
  return [...coll.records.values()].filter((r) => {
    const max = ((r.doc.control as Doc).max as Doc)[spec.timeField];
    return max instanceof Date && max.getTime() < cutoff;
  });
};

/** A bucket holding `measurements` (metaField already taken out), starting at `start`. */
const bucketOf = (
  id: unknown,
  start: Date,
  meta: unknown,
  hasMeta: boolean,
  measurements: Doc[],
  spec: TimeseriesSpec,
): Doc => {
  const min: Doc = {};
  const max: Doc = {};
  const data: Doc = {};
  measurements.forEach((m, i) => {
    for (const [k, v] of Object.entries(m)) {
      data[k] = { ...(data[k] ?? {}), [String(i)]: v };
      if (!(k in min) || compareBson(v, min[k]) < 0) min[k] = v;
      if (!(k in max) || compareBson(v, max[k]) > 0) max[k] = v;
    }
  });
  min[spec.timeField] = start;
  const bucket: Doc = { _id: id, control: { version: 1, min, max } };
  if (hasMeta) bucket.meta = meta;
  bucket.data = data;
  return bucket;
};

/**
 * `delete` on a time-series collection (mongod 7.0 deletes by any filter): each bucket holding matching
 * measurements is rewritten without them, or removed once empty. `one` stops after the first. Returns how
 * many measurements went.
 */
export const deleteMeasurements = (
  ctx: Ctx,
  ns: string,
  spec: TimeseriesSpec,
  matches: (doc: Doc) => boolean,
  one: boolean,
): number => {
  const buckets = bucketsNs(ns);
  const unpack = { timeField: spec.timeField, ...(spec.metaField ? { metaField: spec.metaField } : {}) };
  let removed = 0;
  for (const rec of [...(ctx.coll(buckets)?.records.values() ?? [])]) {
    const keep: Doc[] = [];
    let gone = 0;
    for (const m of unpackBuckets([rec.doc], unpack)) {
      if (!(one && removed + gone > 0) && matches(m)) gone++;
      else keep.push(m);
    }
    if (!gone) continue;
    removed += gone;
    const b = rec.doc;
    if (!keep.length) ctx.remove(buckets, rec);
    else {
      const hasMeta = b.meta !== undefined;
      const rows = keep.map((m) => {
        const copy = { ...m };
        if (hasMeta && spec.metaField) delete copy[spec.metaField];
        return copy;
      });
      const start = ((b.control as Doc).min as Doc)[spec.timeField] as Date;
      ctx.put(buckets, ctx.makeRec(bucketOf(b._id, start, b.meta, hasMeta, rows, spec), rec), rec);
    }
    if (one) break;
  }
  return removed;
};
