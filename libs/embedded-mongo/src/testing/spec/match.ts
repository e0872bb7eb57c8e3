import { Binary, Decimal128, Double, EJSON, Int32, Long } from 'bson';

/**
 * The unified test format's "Evaluating Matches" rules: expected values may carry `$$` operators, root-level
 * documents may have extra keys, nested ones may not, and numbers compare by value whatever their BSON type.
 */
export interface MatchContext {
  entity(name: string): unknown;
  sessionLsid(name: string): unknown;
}

export class MatchError extends Error {}

type Doc = Record<string, unknown>;

const isDoc = (v: unknown): v is Doc =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  (v.constructor === Object || Object.getPrototypeOf(v) === null);

export const numeric = (v: unknown): number | undefined => {
  if (typeof v === 'number') return v;
  if (v instanceof Int32 || v instanceof Double) return v.valueOf();
  if (v instanceof Long) return v.toNumber();
  return undefined;
};

const show = (v: unknown): string => {
  try {
    return EJSON.stringify(v, { relaxed: true });
  } catch {
    return String(v);
  }
};

const typeNames = (v: unknown): string[] => {
  if (v === undefined) return ['undefined'];
  if (v === null) return ['null'];
  if (typeof v === 'number')
    return Number.isInteger(v) ? ['int', 'long', 'double', 'number'] : ['double', 'number'];
  if (typeof v === 'string') return ['string'];
  if (typeof v === 'boolean') return ['bool'];
  if (typeof v === 'bigint') return ['long', 'number'];
  if (Array.isArray(v)) return ['array'];
  if (v instanceof Date) return ['date'];
  if (v instanceof RegExp) return ['regex'];
  const bsontype = String((v as { _bsontype?: string })._bsontype);
  switch (bsontype) {
    case 'Int32':
      return ['int', 'number'];
    case 'Double':
      return ['double', 'number'];
    case 'Long':
      return ['long', 'number'];
    case 'Decimal128':
      return ['decimal', 'number'];
    case 'ObjectId':
      return ['objectId'];
    case 'Binary':
      return ['binData'];
    case 'Timestamp':
      return ['timestamp'];
    case 'BSONRegExp':
      return ['regex'];
    case 'Code':
      return (v as { scope?: unknown }).scope ? ['javascriptWithScope'] : ['javascript'];
    case 'MinKey':
      return ['minKey'];
    case 'MaxKey':
      return ['maxKey'];
    case 'BSONSymbol':
      return ['symbol'];
    case 'DBRef':
      return ['object'];
    default:
      return ['object'];
  }
};

const canonical = (v: unknown): string => EJSON.stringify(v, { relaxed: false });

const scalarEqual = (expected: unknown, actual: unknown): boolean => {
  const en = numeric(expected);
  const an = numeric(actual);
  if (en !== undefined || an !== undefined) return en !== undefined && an !== undefined && en === an;
  if (expected instanceof Decimal128 || actual instanceof Decimal128)
    return String(expected) === String(actual) && actual instanceof Decimal128;
  if (expected === null || actual === null) return expected === actual;
  if (typeof expected !== 'object' || typeof actual !== 'object') return expected === actual;
  if (expected instanceof Binary && actual instanceof Binary)
    return expected.sub_type === actual.sub_type && Buffer.from(expected.value()).equals(actual.value());
  return canonical({ v: expected }) === canonical({ v: actual });
};

const operatorOf = (v: unknown): string | undefined => {
  if (!isDoc(v)) return undefined;
  const keys = Object.keys(v);
  return keys.length === 1 && keys[0]!.startsWith('$$') ? keys[0] : undefined;
};

export class Matcher {
  constructor(private readonly ctx: MatchContext) {}

  /** Throws a MatchError naming the path of the first difference. */
  match(expected: unknown, actual: unknown, root = true, path = ''): void {
    // The driver keeps some command fields (sort, index keys) as Maps to preserve their order.
    if (actual instanceof Map) actual = Object.fromEntries(actual);
    const op = operatorOf(expected);
    if (op) return this.operator(op, (expected as Doc)[op], actual, root, path);
    if (isDoc(expected)) {
      if (!isDoc(actual) && !(typeof actual === 'object' && actual !== null && !Array.isArray(actual)))
        throw new MatchError(`${path || '<root>'}: expected a document, got ${show(actual)}`);
      const a = actual as Doc;
      for (const [k, ev] of Object.entries(expected)) {
        const kop = operatorOf(ev);
        const p = path ? `${path}.${k}` : k;
        if (kop === '$$exists') {
          const present = a[k] !== undefined;
          if (present !== Boolean((ev as Doc)[kop]))
            throw new MatchError(`${p}: expected ${present ? 'absent' : 'present'} field`);
          continue;
        }
        if (kop === '$$unsetOrMatches' && a[k] === undefined) continue;
        if (a[k] === undefined) throw new MatchError(`${p}: missing in ${show(actual)}`);
        this.match(ev, a[k], false, p);
      }
      if (!root)
        for (const k of Object.keys(a))
          if (!(k in expected) && a[k] !== undefined)
            throw new MatchError(`${path}: unexpected field '${k}' in ${show(actual)}`);
      return;
    }
    if (Array.isArray(expected)) {
      if (!Array.isArray(actual)) throw new MatchError(`${path}: expected an array, got ${show(actual)}`);
      if (actual.length !== expected.length)
        throw new MatchError(`${path}: expected ${expected.length} elements, got ${show(actual)}`);
      expected.forEach((e, i) => this.match(e, actual[i], false, `${path}[${i}]`));
      return;
    }
    if (!scalarEqual(expected, actual))
      throw new MatchError(`${path || '<root>'}: expected ${show(expected)}, got ${show(actual)}`);
  }

  /** Matches each element of a list of root-level documents (find, aggregate, listIndexes...). */
  matchRoots(expected: unknown, actual: unknown): void {
    if (!Array.isArray(expected) || !Array.isArray(actual)) return this.match(expected, actual);
    if (actual.length !== expected.length)
      throw new MatchError(`expected ${expected.length} results, got ${show(actual)}`);
    expected.forEach((e, i) => this.match(e, actual[i], true, `[${i}]`));
  }

  private operator(op: string, arg: unknown, actual: unknown, root: boolean, path: string): void {
    switch (op) {
      case '$$type': {
        const wanted = Array.isArray(arg) ? (arg as string[]) : [arg as string];
        if (actual === undefined || !typeNames(actual).some((t) => wanted.includes(t)))
          throw new MatchError(`${path}: expected type ${wanted.join('|')}, got ${show(actual)}`);
        return;
      }
      case '$$unsetOrMatches':
        if (actual === undefined) return;
        return this.match(arg, actual, root, path);
      case '$$exists':
        if ((actual !== undefined) !== Boolean(arg)) throw new MatchError(`${path}: $$exists ${String(arg)}`);
        return;
      case '$$matchesEntity':
        return this.match(this.ctx.entity(arg as string), actual, root, path);
      case '$$sessionLsid':
        return this.match(this.ctx.sessionLsid(arg as string), actual, false, path);
      case '$$lte': {
        const a = numeric(actual);
        const e = numeric(arg);
        if (a === undefined || e === undefined || a > e)
          throw new MatchError(`${path}: expected <= ${show(arg)}, got ${show(actual)}`);
        return;
      }
      case '$$matchAsDocument': {
        if (typeof actual !== 'string') throw new MatchError(`${path}: expected an extended JSON string`);
        return this.match(arg, EJSON.parse(actual, { relaxed: false }), false, path);
      }
      case '$$matchAsRoot':
        return this.match(arg, actual, true, path);
      case '$$matchesHexBytes': {
        const hex = String(arg).toLowerCase();
        const got = Buffer.isBuffer(actual) ? actual.toString('hex') : String(actual);
        if (got !== hex) throw new MatchError(`${path}: expected bytes ${hex}`);
        return;
      }
      default:
        throw new Error(`unsupported match operator ${op}`);
    }
  }
}

/** Exact comparison for outcome data (no operators, no extra keys anywhere, key order free). */
export const matchExact = (expected: unknown, actual: unknown, path = ''): void => {
  if (isDoc(expected)) {
    if (!isDoc(actual)) throw new MatchError(`${path}: expected ${show(expected)}, got ${show(actual)}`);
    const ek = Object.keys(expected).sort();
    const ak = Object.keys(actual)
      .filter((k) => actual[k] !== undefined)
      .sort();
    if (ek.join('\0') !== ak.join('\0'))
      throw new MatchError(`${path}: expected ${show(expected)}, got ${show(actual)}`);
    for (const k of ek) matchExact(expected[k], actual[k], path ? `${path}.${k}` : k);
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length)
      throw new MatchError(`${path}: expected ${show(expected)}, got ${show(actual)}`);
    expected.forEach((e, i) => matchExact(e, actual[i], `${path}[${i}]`));
    return;
  }
  if (!scalarEqual(expected, actual))
    throw new MatchError(`${path}: expected ${show(expected)}, got ${show(actual)}`);
};
