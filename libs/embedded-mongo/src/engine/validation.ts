import { bsonTypeName } from '../bson/types';
import { type Doc, getPath, isPlainDoc } from '../bson/values';
import { QUERY_HOOKS } from './agg-numeric';
import type { Collection } from './collection';
import { MongoServerError } from './errors';
import type { Rec } from './index-store';
import { compileSchema, schemaReport } from './json-schema';
import { compileQuery, type DocMatcher, type MatcherHooks } from './matcher';

/**
 * Collection validators (`validator`, `validationLevel`, `validationAction`): a query, possibly with
 * `$jsonSchema`, that every document written must satisfy, failing with DocumentValidationFailure (121) and
 * the `errInfo` mongod 7.0 gives (`failingDocumentId`, `details` saying which clause failed and why).
 */
export interface CompiledValidator {
  matches: DocMatcher;
  /** Why `doc` fails (mongod's `errInfo.details`). */
  explain: (doc: Doc) => Doc;
}

const isOperatorDoc = (v: unknown): v is Doc =>
  isPlainDoc(v) &&
  Object.keys(v).length > 0 &&
  Object.keys(v).every((k) => k.startsWith('$')) &&
  !('$ref' in v);

const REFUSED: Record<string, string> = {
  $text: '$text is not allowed in this context',
  $where: '$where is not allowed in this context',
  $near: '$near is not allowed in this context',
  $nearSphere: '$nearSphere is not allowed in this context',
  $geoNear: '$geoNear is not allowed in this context',
};

/** Validators may not use `$text`, `$where` or the geo-near operators (QueryFeatureNotAllowed, 224). */
const refuseFeatures = (filter: unknown): void => {
  if (Array.isArray(filter)) return filter.forEach(refuseFeatures);
  if (!isPlainDoc(filter)) return;
  for (const [k, v] of Object.entries(filter)) {
    if (k === '$jsonSchema' || k === '$expr') continue;
    if (REFUSED[k]) throw new MongoServerError(224, REFUSED[k]);
    refuseFeatures(v);
  }
};

const HOOKS: MatcherHooks = QUERY_HOOKS;

const reasonFor = (op: string, arg: unknown): string => {
  switch (op) {
    case '$eq':
    case '$ne':
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return 'comparison failed';
    case '$in':
      return 'no matching value found in array';
    case '$nin':
      return 'matching value found in array';
    case '$type':
      return 'type did not match';
    case '$regex':
      return 'regular expression did not match';
    case '$exists':
      return arg ? 'path does not exist' : 'path exists';
    default:
      return 'expression did not match';
  }
};

/** The failure report of one clause (`null` when `doc` satisfies it). */
const clauseDetails = (key: string, value: unknown, doc: Doc): Doc | null => {
  if (compileQuery({ [key]: value }, HOOKS)(doc)) return null;
  switch (key) {
    case '$jsonSchema':
      return schemaReport(value as Doc, compileSchema(value as Doc), doc);
    case '$expr':
      return {
        operatorName: '$expr',
        specifiedAs: { $expr: value },
        reason: 'expression did not match',
        expressionResult: false,
      };
    case '$and':
    case '$or':
      return {
        operatorName: key,
        clausesNotSatisfied: (value as Doc[]).flatMap((q, index) => {
          const details = filterDetails(q, doc);
          return details ? [{ index, details }] : [];
        }),
      };
    case '$nor':
      return {
        operatorName: '$nor',
        clausesSatisfied: (value as Doc[]).flatMap((q, index) =>
          compileQuery(q, HOOKS)(doc)
            ? [{ index, details: { operatorName: '$nor', specifiedAs: q, reason: 'expression matched' } }]
            : [],
        ),
      };
  }
  const [op, arg] = isOperatorDoc(value) ? (Object.entries(value)[0] as [string, unknown]) : ['$eq', value];
  const found = getPath(doc, key);
  const out: Doc = { operatorName: op, specifiedAs: { [key]: value } };
  if (found === undefined && op !== '$exists') return { ...out, reason: 'field was missing' };
  out.reason = reasonFor(op, arg);
  if (found !== undefined) {
    if (Array.isArray(found)) out.consideredValues = found;
    else out.consideredValue = found;
    if (op === '$type') out.consideredType = bsonTypeName(found);
  }
  return out;
};

/** A filter's clauses, one per top-level operator or field operator (`{a: {$gt: 1, $lt: 5}}` is two). */
const clausesOf = (filter: Doc): [string, unknown][] =>
  Object.entries(filter).flatMap(([k, v]): [string, unknown][] =>
    !k.startsWith('$') && isOperatorDoc(v) && Object.keys(v).length > 1 && !('$regex' in v)
      ? Object.entries(v).map(([op, a]) => [k, { [op]: a }])
      : [[k, v]],
  );

const filterDetails = (filter: Doc, doc: Doc): Doc | null => {
  const clauses = clausesOf(filter);
  if (clauses.length === 1) {
    const [k, v] = clauses[0] as [string, unknown];
    return clauseDetails(k, v, doc);
  }
  const failed = clauses.flatMap(([k, v], index) => {
    const details = clauseDetails(k, v, doc);
    return details ? [{ index, details }] : [];
  });
  return failed.length ? { operatorName: '$and', clausesNotSatisfied: failed } : null;
};

/** Compiles a validator, failing as mongod does for an invalid one (create and collMod call this). */
export const compileValidator = (validator: unknown): CompiledValidator | null => {
  if (validator === undefined) return null;
  if (!isPlainDoc(validator)) throw new MongoServerError(14, "'validator' must be an object");
  if (Object.keys(validator).length === 0) return null;
  refuseFeatures(validator);
  const matches = compileQuery(validator, HOOKS);
  return {
    matches,
    explain: (doc) => filterDetails(validator, doc) ?? { operatorName: '$and', clausesNotSatisfied: [] },
  };
};

const LEVELS = ['off', 'strict', 'moderate'];
const ACTIONS = ['error', 'warn'];

/** Checks `validationLevel`/`validationAction` values and the validator itself. */
export const checkValidationOptions = (options: Doc): void => {
  for (const [field, allowed] of [
    ['validationLevel', LEVELS],
    ['validationAction', ACTIONS],
  ] as const)
    if (options[field] !== undefined && !allowed.includes(options[field] as string))
      throw new MongoServerError(
        2,
        `Enumeration value '${typeof options[field] === 'string' ? options[field] : JSON.stringify(options[field])}' for field '${field}' is not a valid value.`,
      );
  compileValidator(options.validator);
};

const compiled = new WeakMap<object, CompiledValidator | null>();

const validatorOf = (coll: Collection): CompiledValidator | null => {
  const v = coll.options.validator;
  if (!isPlainDoc(v)) return null;
  let c = compiled.get(v);
  if (c === undefined) compiled.set(v, (c = compileValidator(v)));
  return c;
};

/**
 * Enforces the collection's validator on a document about to be written (`prev`: the version it replaces).
 * `moderate` leaves updates of documents that were already invalid alone; `warn` logs and lets the write
 * through, like mongod's "Document would fail validation" log line.
 */
export const enforceValidator = (
  coll: Collection,
  rec: Rec,
  prev: Rec | undefined,
  bypass: boolean,
): void => {
  const level = coll.options.validationLevel ?? 'strict';
  if (bypass || level === 'off') return;
  const v = validatorOf(coll);
  if (!v || v.matches(rec.doc)) return;
  if (level === 'moderate' && prev && !v.matches(prev.doc)) return;
  const errInfo = { failingDocumentId: rec.doc._id, details: v.explain(rec.doc) };
  if (coll.options.validationAction === 'warn') {
    console.warn(
      `embedded-mongo: Document would fail validation ${JSON.stringify({ namespace: coll.ns, id: String(rec.doc._id) })}`,
    );
    return;
  }
  throw new MongoServerError(121, 'Document failed validation', { errInfo });
};
