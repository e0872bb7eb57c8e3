import { type AnyBulkWriteOperation, type Document } from 'mongodb';

type Op = AnyBulkWriteOperation<Document>;
type Fields = Record<string, unknown>;

interface ParsedUpdate {
  $set: Fields;
  $inc: Record<string, number>;
  $setOnInsert: Fields;
}

const OPERATORS = ['$set', '$inc', '$setOnInsert'] as const;

/**
 * Folds later updates of a document into its earlier upsert within one batch: while catching up, a batch
 * holds many events of the same aggregate (100 stock movements of a product become one `$inc`), and every
 * operation saved is work saved in the driver, on the wire and in the database.
 *
 * Only merges that are equivalent to applying the operations one by one, errors included, are made:
 * - both are `updateOne` by `{ _id }` with nothing but `$set`, `$inc` and `$setOnInsert` on top-level fields,
 *   and the earlier one upserts (so the document exists when the later one runs, whose `$setOnInsert`
 *   therefore never applies and is dropped);
 * - no field is touched by two different operators (the merged update could not express it); the same field
 *   under `$set` twice keeps the later value (scalars only), under `$inc` twice adds the integers;
 * - the later update is moved ahead of operations on other documents, which is only invisible if it changes
 *   no field a unique index (or its partial filter) reads: `constrained` lists them. Any operation that may
 *   touch more than one document, or one not named by `_id`, is a barrier nothing moves across.
 * `$inc` is only folded for safe integers (sums of doubles would round differently).
 */
export function coalesceWrites<T extends Document>(
  ops: readonly AnyBulkWriteOperation<T>[],
  constrained: ReadonlySet<string>,
): AnyBulkWriteOperation<T>[] {
  return coalesce(ops as unknown as readonly Op[], constrained) as unknown as AnyBulkWriteOperation<T>[];
}

function coalesce(ops: readonly Op[], constrained: ReadonlySet<string>): Op[] {
  const out: (Op | Folded)[] = [];
  const latest = new Map<string, number>(); // document -> index in `out` of its latest operation
  for (const op of ops) {
    const id = singleDocumentKey(op);
    if (id === undefined) {
      latest.clear();
      out.push(op);
      continue;
    }
    const at = latest.get(id);
    if (at !== undefined) {
      const earlier = out[at]!;
      const folded = earlier instanceof Folded ? earlier : Folded.from(earlier);
      if (folded?.absorb(op, constrained)) {
        out[at] = folded;
        continue;
      }
    }
    latest.set(id, out.length);
    out.push(op);
  }
  return out.map((op) => (op instanceof Folded ? op.toOperation() : op));
}

/**
 * An upsert with later updates of its document folded in, kept parsed while the batch is scanned: each fold
 * costs the later update's fields only, however many updates came before it.
 */
class Folded {
  private constructor(
    private readonly filter: Document,
    private readonly update: ParsedUpdate,
    /** Every field touched so far: a later `$setOnInsert` must not name any of them. */
    private readonly touched: Set<string>,
  ) {}

  /** The accumulator for an operation later updates may fold into, or undefined if none may. */
  static from(op: Op): Folded | undefined {
    if (!('updateOne' in op)) return undefined;
    const { updateOne } = op;
    if (updateOne.upsert !== true || !onlyKeys(updateOne, UPDATE_KEYS)) return undefined;
    // parse() builds new objects: folding may write to them without touching the caller's operation.
    const parsed = parse(updateOne.update);
    return parsed && new Folded(updateOne.filter, parsed, fieldsOf(parsed));
  }

  /** Folds `later` in if the result equals applying both one after the other; otherwise changes nothing. */
  absorb(later: Op, constrained: ReadonlySet<string>): boolean {
    if (!('updateOne' in later) || !onlyKeys(later.updateOne, UPDATE_KEYS)) return false;
    const second = parse(later.updateOne.update);
    if (!second) return false;
    const { $set, $inc, $setOnInsert } = this.update;
    for (const [field, value] of Object.entries(second.$set)) {
      if (constrained.has(field) || field in $inc || field in $setOnInsert) return false;
      if (field in $set && !(isScalar($set[field]) && isScalar(value))) return false;
    }
    for (const [field, by] of Object.entries(second.$inc)) {
      if (constrained.has(field) || field in $set || field in $setOnInsert) return false;
      if (!Number.isSafeInteger(($inc[field] ?? 0) + by)) return false;
    }
    for (const field of Object.keys(second.$setOnInsert)) {
      if (constrained.has(field) || this.touched.has(field)) return false;
    }
    for (const [field, value] of Object.entries(second.$set)) {
      $set[field] = value;
      this.touched.add(field);
    }
    for (const [field, by] of Object.entries(second.$inc)) {
      $inc[field] = ($inc[field] ?? 0) + by;
      this.touched.add(field);
    }
    return true;
  }

  toOperation(): Op {
    const { $set, $inc, $setOnInsert } = this.update;
    const update: Document = {};
    if (Object.keys($set).length > 0) update.$set = $set;
    if (Object.keys($inc).length > 0) update.$inc = $inc;
    if (Object.keys($setOnInsert).length > 0) update.$setOnInsert = $setOnInsert;
    return { updateOne: { filter: this.filter, update, upsert: true } };
  }
}

const UPDATE_KEYS = ['filter', 'update', 'upsert'] as const;

/** The document an operation is confined to (`{ _id: <string|number> }` filters only). */
function singleDocumentKey(op: Op): string | undefined {
  const filter =
    'updateOne' in op
      ? op.updateOne.filter
      : 'replaceOne' in op
        ? op.replaceOne.filter
        : 'deleteOne' in op
          ? op.deleteOne.filter
          : undefined;
  if (!filter || !isPlainObject(filter)) return undefined;
  const keys = Object.keys(filter);
  if (keys.length !== 1 || keys[0] !== '_id') return undefined;
  const id: unknown = filter._id;
  if (typeof id === 'string') return `s${id}`;
  if (typeof id === 'number' && Number.isFinite(id)) return `n${id}`;
  return undefined;
}

/** The update's fields per operator, or undefined if it is anything this module does not fold. */
function parse(update: unknown): ParsedUpdate | undefined {
  if (!isPlainObject(update)) return undefined;
  const parsed: ParsedUpdate = { $set: {}, $inc: {}, $setOnInsert: {} };
  const seen = new Set<string>();
  const operators = Object.keys(update);
  if (operators.length === 0) return undefined;
  for (const operator of operators) {
    if (!(OPERATORS as readonly string[]).includes(operator)) return undefined;
    const fields = update[operator];
    if (!isPlainObject(fields) || Object.keys(fields).length === 0) return undefined;
    for (const [field, value] of Object.entries(fields)) {
      if (!isPlainField(field) || seen.has(field) || value === undefined) return undefined;
      seen.add(field);
      if (operator === '$inc') {
        if (typeof value !== 'number' || !Number.isSafeInteger(value)) return undefined;
        parsed.$inc[field] = value;
      } else {
        parsed[operator as '$set' | '$setOnInsert'][field] = value;
      }
    }
  }
  return parsed;
}

const fieldsOf = (u: ParsedUpdate): Set<string> =>
  new Set([...Object.keys(u.$set), ...Object.keys(u.$inc), ...Object.keys(u.$setOnInsert)]);

// `__proto__` is a field to MongoDB but a prototype to plain-object assignment: never folded.
const isPlainField = (field: string): boolean =>
  field.length > 0 &&
  field !== '_id' &&
  field !== '__proto__' &&
  !field.startsWith('$') &&
  !field.includes('.');

const isScalar = (value: unknown): boolean =>
  value === null ||
  typeof value === 'string' ||
  typeof value === 'number' ||
  typeof value === 'boolean' ||
  value instanceof Date;

const onlyKeys = (value: object, allowed: readonly string[]): boolean =>
  Object.keys(value).every((k) => allowed.includes(k));

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Fields whose change can make a write on one document fail or succeed depending on other documents: the
 * keys of unique indexes and the fields their partial filters read (top-level names).
 */
export function constrainedFields(
  indexes: readonly {
    key: Readonly<Record<string, unknown>>;
    unique?: boolean;
    partialFilterExpression?: Readonly<Record<string, unknown>>;
  }[],
): Set<string> {
  const fields = new Set<string>();
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (isPlainObject(value))
      for (const [k, v] of Object.entries(value)) {
        if (!k.startsWith('$')) fields.add(k.split('.')[0]!);
        collect(v);
      }
  };
  for (const index of indexes) {
    if (!index.unique) continue;
    for (const key of Object.keys(index.key)) fields.add(key.split('.')[0]!);
    collect(index.partialFilterExpression);
  }
  return fields;
}
