import type { StringCompare } from '../bson/compare';
import type { Doc } from '../bson/values';
import { MongoServerError } from './errors';

/**
 * A collation as mongod accepts it (`{locale, strength, caseLevel, caseFirst, numericOrdering, alternate,
 * maxVariable, backwards, normalization}`), compared with the ICU collator V8 ships (Intl.Collator).
 * Only strings (and symbols) compare through it; every other type keeps its simple order.
 */
export interface Collation {
  /** The normalized spec, as listCollections/listIndexes report it. */
  readonly spec: Doc;
  readonly compare: StringCompare;
}

const FIELDS: Record<string, 'string' | 'number' | 'boolean'> = {
  locale: 'string',
  caseLevel: 'boolean',
  caseFirst: 'string',
  strength: 'number',
  numericOrdering: 'boolean',
  alternate: 'string',
  maxVariable: 'string',
  normalization: 'boolean',
  backwards: 'boolean',
  version: 'string',
};

const badValue = (msg: string): MongoServerError => new MongoServerError(2, msg);

const numberOf = (v: unknown): number | undefined => {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'valueOf' in v) {
    const n = Number((v as { valueOf(): unknown }).valueOf());
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
};

/** ICU locale ids (`en_US`, `de@collation=phonebook`) as BCP 47 tags (`en-US`, `de-u-co-phonebk`). */
const bcp47 = (locale: string): string => {
  const [base, keywords] = locale.split('@') as [string, string | undefined];
  let tag = base.replace(/_/g, '-');
  const co = keywords?.match(/collation=([a-z]+)/)?.[1];
  if (co) tag += `-u-co-${co === 'phonebook' ? 'phonebk' : co === 'traditional' ? 'trad' : co}`;
  return tag;
};

const cache = new Map<string, Collation | null>();

/**
 * The collation a command's `collation` field asks for: undefined when absent (the collection default applies),
 * null for `{locale: "simple"}` (binary comparison), else a compiled collation. Bad specs fail like mongod.
 */
export const parseCollation = (raw: unknown): Collation | null | undefined => {
  if (raw === undefined) return undefined;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new MongoServerError(14, "BSON field 'collation' is the wrong type, expected type 'object'");
  const c = raw as Doc;
  const key = JSON.stringify(c);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  for (const [k, v] of Object.entries(c)) {
    const want = FIELDS[k];
    if (!want) throw new MongoServerError(40415, `BSON field 'collation.${k}' is an unknown field.`);
    const ok = want === 'number' ? numberOf(v) !== undefined : typeof v === want;
    if (!ok) throw new MongoServerError(14, `BSON field 'collation.${k}' is the wrong type`);
  }
  if (typeof c.locale !== 'string')
    throw new MongoServerError(40414, "BSON field 'collation.locale' is missing but a required field");
  if (c.locale === 'simple') {
    if (Object.keys(c).length > 1)
      throw badValue("If 'locale' is set to 'simple', other fields may not be set");
    cache.set(key, null);
    return null;
  }
  const strength = numberOf(c.strength) ?? 3;
  if (![1, 2, 3, 4, 5].includes(strength)) throw badValue(`collation strength must be 1..5, not ${strength}`);
  const caseFirst = (c.caseFirst as string | undefined) ?? 'off';
  if (!['upper', 'lower', 'off'].includes(caseFirst))
    throw badValue(`unsupported collation caseFirst: ${caseFirst}`);
  const alternate = (c.alternate as string | undefined) ?? 'non-ignorable';
  if (!['non-ignorable', 'shifted'].includes(alternate))
    throw badValue(`unsupported collation alternate: ${alternate}`);
  const maxVariable = (c.maxVariable as string | undefined) ?? 'punct';
  if (!['punct', 'space'].includes(maxVariable))
    throw badValue(`unsupported collation maxVariable: ${maxVariable}`);
  const tag = bcp47(c.locale);
  let supported: string[];
  try {
    supported = Intl.Collator.supportedLocalesOf(tag);
  } catch {
    supported = [];
  }
  if (c.locale !== 'root' && supported.length === 0) throw badValue(`Field 'locale' is invalid in: ${key}`);
  const caseLevel = c.caseLevel === true;
  const sensitivity: Intl.CollatorOptions['sensitivity'] =
    strength === 1
      ? caseLevel
        ? 'case'
        : 'base'
      : strength === 2
        ? caseLevel
          ? 'variant'
          : 'accent'
        : 'variant';
  const collator = new Intl.Collator(c.locale === 'root' ? 'und' : tag, {
    usage: 'sort',
    sensitivity,
    numeric: c.numericOrdering === true,
    caseFirst: caseFirst === 'off' ? 'false' : (caseFirst as 'upper' | 'lower'),
    ignorePunctuation: alternate === 'shifted',
  });
  const spec: Doc = {
    locale: c.locale,
    caseLevel,
    caseFirst,
    strength,
    numericOrdering: c.numericOrdering === true,
    alternate,
    maxVariable,
    normalization: c.normalization === true,
    backwards: c.backwards === true,
    version: '57.1',
  };
  const compiled: Collation = { spec, compare: (a, b) => collator.compare(a, b) };
  cache.set(key, compiled);
  return compiled;
};

/** A collection's default collation (from its `create` options), or null for binary comparison. */
export const defaultCollation = (options: Doc | undefined): Collation | null =>
  parseCollation(options?.collation) ?? null;

/** The collation a command runs under: its own if given, else the collection's default. */
export const effectiveCollation = (
  requested: Collation | null | undefined,
  options: Doc | undefined,
): Collation | null => (requested === undefined ? defaultCollation(options) : requested);
