import { compareBson } from '../bson/compare';
import { asDouble, isNumeric } from '../bson/numeric';
import { bsonTypeName, hasBsonType, validBsonType } from '../bson/types';
import { type Doc, isPlainDoc } from '../bson/values';
import { MongoServerError } from './errors';
import { compileRegex } from './safe-regex';

/**
 * `$jsonSchema`: MongoDB's subset of JSON Schema draft 4 plus `bsonType`. A compiled schema returns the rules
 * a value breaks, in the shape mongod 7.0 reports under `errInfo.details.schemaRulesNotSatisfied` (empty: valid).
 * Keywords only constrain values of their own kind (`minimum` numbers, `minLength` strings, `items` arrays,
 * `properties`/`required` objects), as in JSON Schema.
 */
export type SchemaCheck = (value: unknown) => Doc[];

const KNOWN = new Set([
  'bsonType',
  'type',
  'required',
  'properties',
  'additionalProperties',
  'patternProperties',
  'minProperties',
  'maxProperties',
  'dependencies',
  'enum',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'items',
  'additionalItems',
  'minItems',
  'maxItems',
  'uniqueItems',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'title',
  'description',
]);
const UNSUPPORTED = new Set(['$ref', '$schema', 'default', 'definitions', 'format', 'id']);
const JSON_TYPES: Record<string, string[] | 'number'> = {
  object: ['object'],
  array: ['array'],
  number: 'number',
  boolean: ['bool'],
  string: ['string'],
  null: ['null'],
};

const parseError = (msg: string): MongoServerError => new MongoServerError(9, msg);
const typeError = (kw: string, what: string): MongoServerError =>
  new MongoServerError(14, `$jsonSchema keyword '${kw}' must be ${what}`);

const isObjectValue = (v: unknown): v is Doc => bsonTypeName(v) === 'object' && isPlainDoc(v);
const count = (kw: string, v: unknown): number => {
  if (!isNumeric(v)) throw typeError(kw, 'a number');
  const n = asDouble(v);
  if (!Number.isInteger(n) || n < 0)
    throw new MongoServerError(2, `$jsonSchema keyword '${kw}' must be a non-negative integer`);
  return n;
};
const schemaOf = (kw: string, v: unknown): Doc => {
  if (!isPlainDoc(v)) throw typeError(kw, 'an object');
  return v;
};
const schemaList = (kw: string, v: unknown): SchemaCheck[] => {
  if (!Array.isArray(v) || v.length === 0) throw typeError(kw, 'a non-empty array');
  return v.map((s) => compileSchema(schemaOf(kw, s)));
};
const typeList = (kw: string, v: unknown): unknown[] => {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) throw typeError(kw, 'a string or a non-empty array of strings');
  return list;
};

const rule = (operatorName: string, specifiedAs: Doc, extra: Doc = {}): Doc => ({
  operatorName,
  specifiedAs,
  ...extra,
});

/** One keyword's test; it returns the failure it reports, or null when `value` satisfies it. */
type Keyword = (value: unknown) => Doc | null;

/**
 * A `min*`/`max*` pair of count keywords (`minLength`/`maxLength`, `minItems`/`maxItems`,
 * `minProperties`/`maxProperties`): `size` measures a value of the keywords' kind (undefined: another kind,
 * which they do not constrain) and `report` gives the failure's extra fields.
 */
const sizeKeywords = (
  schema: Doc,
  min: string,
  max: string,
  size: (v: unknown) => number | undefined,
  report: (v: unknown, n: number) => Doc,
): Keyword[] =>
  (
    [
      [min, (n: number, m: number) => n >= m],
      [max, (n: number, m: number) => n <= m],
    ] as const
  ).flatMap(([kw, ok]): Keyword[] => {
    if (schema[kw] === undefined) return [];
    const limit = count(kw, schema[kw]);
    return [
      (v) => {
        const n = size(v);
        return n === undefined || ok(n, limit) ? null : rule(kw, { [kw]: schema[kw] }, report(v, n));
      },
    ];
  });

const typeKeywords = (schema: Doc): Keyword[] => {
  const out: Keyword[] = [];
  if (schema.bsonType !== undefined) {
    const types = typeList('bsonType', schema.bsonType);
    for (const t of types)
      if (typeof t !== 'string' || !validBsonType(t))
        throw new MongoServerError(2, `Unknown type name alias: ${String(t)}`);
    out.push((v) =>
      types.some((t) => hasBsonType(v, t))
        ? null
        : rule(
            'bsonType',
            { bsonType: schema.bsonType },
            {
              reason: 'type did not match',
              consideredValue: v,
              consideredType: bsonTypeName(v),
            },
          ),
    );
  }
  if (schema.type !== undefined) {
    const types = typeList('type', schema.type);
    for (const t of types) {
      if (t === 'integer') throw parseError("$jsonSchema type 'integer' is not currently supported.");
      if (typeof t !== 'string' || !(t in JSON_TYPES))
        throw new MongoServerError(2, `Unknown $jsonSchema type: ${String(t)}`);
    }
    out.push((v) =>
      types.some((t) => {
        const names = JSON_TYPES[t as string];
        return names === 'number' ? isNumeric(v) : (names as string[]).includes(bsonTypeName(v));
      })
        ? null
        : rule(
            'type',
            { type: schema.type },
            {
              reason: 'type did not match',
              consideredValue: v,
              consideredType: bsonTypeName(v),
            },
          ),
    );
  }
  if (schema.enum !== undefined) {
    const values = schema.enum;
    if (!Array.isArray(values) || values.length === 0) throw typeError('enum', 'a non-empty array');
    out.push((v) =>
      values.some((e) => compareBson(e, v) === 0)
        ? null
        : rule('enum', { enum: values }, { reason: 'value was not found in enum', consideredValue: v }),
    );
  }
  return out;
};

const numberKeywords = (schema: Doc): Keyword[] => {
  const out: Keyword[] = [];
  for (const [kw, excl, sign] of [
    ['minimum', 'exclusiveMinimum', 1],
    ['maximum', 'exclusiveMaximum', -1],
  ] as const) {
    const bound = schema[kw];
    const exclusive = schema[excl];
    if (exclusive !== undefined && typeof exclusive !== 'boolean') throw typeError(excl, 'a boolean');
    if (exclusive !== undefined && bound === undefined)
      throw parseError(`$jsonSchema keyword '${kw}' must be a present if ${excl} is present`);
    if (bound === undefined) continue;
    if (!isNumeric(bound)) throw typeError(kw, 'a number');
    out.push((v) => {
      if (!isNumeric(v)) return null;
      const d = compareBson(v, bound) * sign;
      if (d > 0 || (d === 0 && exclusive !== true)) return null;
      const spec: Doc = { [kw]: bound };
      if (exclusive !== undefined) spec[excl] = exclusive;
      return rule(kw, spec, { reason: 'comparison failed', consideredValue: v });
    });
  }
  if (schema.multipleOf !== undefined) {
    const m = schema.multipleOf;
    if (!isNumeric(m) || !(asDouble(m) > 0)) throw typeError('multipleOf', 'a positive number');
    out.push((v) =>
      !isNumeric(v) || asDouble(v) % asDouble(m) === 0
        ? null
        : rule(
            'multipleOf',
            { multipleOf: m },
            {
              reason: 'considered value is not a multiple of the specified value',
              consideredValue: v,
            },
          ),
    );
  }
  return out;
};

const stringKeywords = (schema: Doc): Keyword[] => {
  const out = sizeKeywords(
    schema,
    'minLength',
    'maxLength',
    (v) => (typeof v === 'string' ? [...v].length : undefined),
    (v) => ({ reason: 'specified string length was not satisfied', consideredValue: v }),
  );
  if (schema.pattern !== undefined) {
    if (typeof schema.pattern !== 'string') throw typeError('pattern', 'a string');
    const re = compileRegex(schema.pattern, '');
    out.push((v) =>
      typeof v !== 'string' || re.test(v)
        ? null
        : rule(
            'pattern',
            { pattern: schema.pattern },
            {
              reason: 'regular expression did not match',
              consideredValue: v,
            },
          ),
    );
  }
  return out;
};

const arrayKeywords = (schema: Doc): Keyword[] => {
  const out = sizeKeywords(
    schema,
    'minItems',
    'maxItems',
    (v) => (Array.isArray(v) ? v.length : undefined),
    (v) => ({ reason: 'array did not match specified length', consideredValue: v }),
  );
  if (schema.uniqueItems !== undefined) {
    if (typeof schema.uniqueItems !== 'boolean') throw typeError('uniqueItems', 'a boolean');
    if (schema.uniqueItems)
      out.push((v) => {
        if (!Array.isArray(v)) return null;
        for (let i = 1; i < v.length; i++)
          for (let j = 0; j < i; j++)
            if (compareBson(v[i], v[j]) === 0)
              return rule(
                'uniqueItems',
                { uniqueItems: true },
                {
                  reason: 'found a duplicate item',
                  consideredValue: v,
                  duplicatedValue: v[i],
                },
              );
        return null;
      });
  }
  const items = schema.items;
  if (items !== undefined) {
    if (isPlainDoc(items)) {
      const each = compileSchema(items);
      out.push((v) => {
        if (!Array.isArray(v)) return null;
        for (let i = 0; i < v.length; i++) {
          const details = each(v[i]);
          if (details.length)
            return {
              operatorName: 'items',
              reason: 'At least one item did not match the sub-schema',
              itemIndex: i,
              details,
            };
        }
        return null;
      });
    } else if (Array.isArray(items)) {
      const tuple = items.map((s) => compileSchema(schemaOf('items', s)));
      const extra = schema.additionalItems;
      const rest =
        extra === undefined || extra === true
          ? null
          : extra === false
            ? false
            : compileSchema(schemaOf('additionalItems', extra));
      out.push((v) => {
        if (!Array.isArray(v)) return null;
        const failed = tuple.flatMap((check, i) => {
          if (i >= v.length) return [];
          const details = check(v[i]);
          return details.length ? [{ index: i, details }] : [];
        });
        if (failed.length) return { operatorName: 'items', details: failed };
        if (rest === false && v.length > tuple.length)
          return rule(
            'additionalItems',
            { additionalItems: false },
            {
              reason: 'found additional items',
              additionalItems: v.slice(tuple.length),
            },
          );
        if (rest)
          for (let i = tuple.length; i < v.length; i++) {
            const details = rest(v[i]);
            if (details.length)
              return {
                operatorName: 'additionalItems',
                reason: 'At least one additional item did not match the sub-schema',
                itemIndex: i,
                details,
              };
          }
        return null;
      });
    } else throw typeError('items', 'an object or an array of objects');
  } else if (schema.additionalItems !== undefined) {
    schemaOrBool('additionalItems', schema.additionalItems);
  }
  return out;
};

const schemaOrBool = (kw: string, v: unknown): void => {
  if (typeof v !== 'boolean' && !isPlainDoc(v)) throw typeError(kw, 'a boolean or an object');
};

const objectKeywords = (schema: Doc): Keyword[] => {
  const out: Keyword[] = [];
  if (schema.required !== undefined) {
    const req = schema.required;
    if (!Array.isArray(req) || req.length === 0 || req.some((r) => typeof r !== 'string'))
      throw typeError('required', 'a non-empty array of strings');
    out.push((v) => {
      if (!isObjectValue(v)) return null;
      const missing = (req as string[]).filter((k) => !Object.prototype.hasOwnProperty.call(v, k));
      return missing.length ? rule('required', { required: req }, { missingProperties: missing }) : null;
    });
  }
  const props = schema.properties === undefined ? {} : schemaOf('properties', schema.properties);
  const propChecks = Object.entries(props).map(
    ([name, s]) => [name, compileSchema(schemaOf(`properties.${name}`, s)), (s as Doc).description] as const,
  );
  if (propChecks.length)
    out.push((v) => {
      if (!isObjectValue(v)) return null;
      const failed: Doc[] = [];
      for (const [name, check, description] of propChecks) {
        if (!Object.prototype.hasOwnProperty.call(v, name)) continue;
        const details = check(v[name]);
        if (details.length)
          failed.push({ propertyName: name, ...(description !== undefined ? { description } : {}), details });
      }
      return failed.length ? { operatorName: 'properties', propertiesNotSatisfied: failed } : null;
    });
  const patterns = Object.entries(
    schema.patternProperties === undefined ? {} : schemaOf('patternProperties', schema.patternProperties),
  ).map(([p, s]) => [p, compileRegex(p, ''), compileSchema(schemaOf('patternProperties', s))] as const);
  if (patterns.length)
    out.push((v) => {
      if (!isObjectValue(v)) return null;
      const failed: Doc[] = [];
      for (const [k, val] of Object.entries(v))
        for (const [p, re, check] of patterns) {
          if (!re.test(k)) continue;
          const details = check(val);
          if (details.length) failed.push({ propertyName: k, regexMatched: p, details });
        }
      return failed.length ? { operatorName: 'patternProperties', details: failed } : null;
    });
  const extra = schema.additionalProperties;
  if (extra !== undefined) {
    schemaOrBool('additionalProperties', extra);
    const rest = isPlainDoc(extra) ? compileSchema(extra) : null;
    const isAdditional = (k: string): boolean =>
      !Object.prototype.hasOwnProperty.call(props, k) && !patterns.some(([, re]) => re.test(k));
    if (extra === false)
      out.push((v) => {
        if (!isObjectValue(v)) return null;
        const additional = Object.keys(v).filter(isAdditional);
        return additional.length
          ? rule(
              'additionalProperties',
              { additionalProperties: false },
              { additionalProperties: additional },
            )
          : null;
      });
    if (rest)
      out.push((v) => {
        if (!isObjectValue(v)) return null;
        for (const k of Object.keys(v).filter(isAdditional)) {
          const details = rest(v[k]);
          if (details.length)
            return {
              operatorName: 'additionalProperties',
              reason: 'at least one additional property did not match the subschema',
              failingProperty: k,
              details,
            };
        }
        return null;
      });
  }
  out.push(
    ...sizeKeywords(
      schema,
      'minProperties',
      'maxProperties',
      (v) => (isObjectValue(v) ? Object.keys(v).length : undefined),
      (_v, n) => ({ reason: 'specified number of properties was not satisfied', numberOfProperties: n }),
    ),
  );
  if (schema.dependencies !== undefined) {
    const deps = Object.entries(schemaOf('dependencies', schema.dependencies)).map(([k, d]) => {
      if (Array.isArray(d)) {
        if (d.length === 0 || d.some((x) => typeof x !== 'string'))
          throw typeError('dependencies', 'an array of strings or an object');
        return [k, d as string[]] as const;
      }
      return [k, compileSchema(schemaOf('dependencies', d))] as const;
    });
    out.push((v) => {
      if (!isObjectValue(v)) return null;
      const failing: Doc[] = [];
      for (const [k, d] of deps) {
        if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
        if (Array.isArray(d)) {
          const missing = d.filter((p) => !Object.prototype.hasOwnProperty.call(v, p));
          if (missing.length) failing.push({ conditionalProperty: k, missingProperties: missing });
        } else {
          const details = d(v);
          if (details.length) failing.push({ conditionalProperty: k, details });
        }
      }
      return failing.length ? { operatorName: 'dependencies', failingDependencies: failing } : null;
    });
  }
  return out;
};

const logicKeywords = (schema: Doc): Keyword[] => {
  const out: Keyword[] = [];
  if (schema.allOf !== undefined) {
    const list = schemaList('allOf', schema.allOf);
    out.push((v) => {
      const failed = list.flatMap((c, index) => {
        const details = c(v);
        return details.length ? [{ index, details }] : [];
      });
      return failed.length ? { operatorName: 'allOf', schemasNotSatisfied: failed } : null;
    });
  }
  if (schema.anyOf !== undefined) {
    const list = schemaList('anyOf', schema.anyOf);
    out.push((v) => {
      const results = list.map((c) => c(v));
      if (results.some((r) => r.length === 0)) return null;
      return {
        operatorName: 'anyOf',
        schemasNotSatisfied: results.map((details, index) => ({ index, details })),
      };
    });
  }
  if (schema.oneOf !== undefined) {
    const list = schemaList('oneOf', schema.oneOf);
    out.push((v) => {
      const results = list.map((c) => c(v));
      const matching = results.flatMap((r, i) => (r.length === 0 ? [i] : []));
      if (matching.length === 1) return null;
      return matching.length === 0
        ? {
            operatorName: 'oneOf',
            schemasNotSatisfied: results.map((details, index) => ({ index, details })),
          }
        : {
            operatorName: 'oneOf',
            reason: 'more than one subschema matched',
            matchingSchemaIndexes: matching,
          };
    });
  }
  if (schema.not !== undefined) {
    const inner = compileSchema(schemaOf('not', schema.not));
    out.push((v) =>
      inner(v).length === 0
        ? { operatorName: 'not', specifiedAs: { not: schema.not }, reason: 'child expression matched' }
        : null,
    );
  }
  return out;
};

/** Compiles a schema (throwing mongod's parse errors for unknown or unsupported keywords). */
export const compileSchema = (schema: Doc): SchemaCheck => {
  for (const k of Object.keys(schema)) {
    if (UNSUPPORTED.has(k)) throw parseError(`$jsonSchema keyword '${k}' is not currently supported`);
    if (!KNOWN.has(k)) throw parseError(`Unknown $jsonSchema keyword: ${k}`);
  }
  for (const k of ['title', 'description'])
    if (schema[k] !== undefined && typeof schema[k] !== 'string') throw typeError(k, 'a string');
  if (schema.bsonType !== undefined && schema.type !== undefined)
    throw parseError("Cannot specify both $jsonSchema keywords 'type' and 'bsonType'");
  const keywords = [
    ...typeKeywords(schema),
    ...numberKeywords(schema),
    ...stringKeywords(schema),
    ...arrayKeywords(schema),
    ...objectKeywords(schema),
    ...logicKeywords(schema),
  ];
  return (value) => {
    const failed: Doc[] = [];
    for (const k of keywords) {
      const f = k(value);
      if (f) failed.push(f);
    }
    return failed;
  };
};

/** The `$jsonSchema` failure report of a whole document (`null`: the document satisfies the schema). */
export const schemaReport = (schema: Doc, check: SchemaCheck, doc: unknown): Doc | null => {
  const failed = check(doc);
  if (!failed.length) return null;
  return {
    operatorName: '$jsonSchema',
    ...(typeof schema.title === 'string' ? { title: schema.title } : {}),
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    schemaRulesNotSatisfied: failed,
  };
};

/** `$jsonSchema` as a query operator (find, validators). */
export const jsonSchemaMatcher = (arg: unknown): ((doc: unknown) => boolean) => {
  if (!isPlainDoc(arg)) throw new MongoServerError(14, '$jsonSchema must be an object');
  const check = compileSchema(arg);
  return (doc) => check(doc).length === 0;
};
