import { bsonTypeName } from '../bson/types';
import type { Doc } from '../bson/values';
import { MongoServerError } from '../engine/errors';
import { asNumber } from './env';

/**
 * The `create` command's options as mongod 7.0 parses them: unknown fields are refused (40415), each known
 * field must have its type (TypeMismatch 14), and the combinations mongod refuses fail the same way.
 */
const NUMBER = ['long', 'int', 'decimal', 'double'];
const BOOL = ['bool', 'long', 'int', 'decimal', 'double'];
const FIELDS: Record<string, string[] | null> = {
  capped: BOOL,
  autoIndexId: BOOL,
  temp: BOOL,
  size: NUMBER,
  max: NUMBER,
  flags: NUMBER,
  idIndex: ['object'],
  storageEngine: ['object'],
  validator: ['object'],
  validationLevel: ['string'],
  validationAction: ['string'],
  indexOptionDefaults: ['object'],
  viewOn: ['string'],
  pipeline: ['array'],
  collation: ['object'],
  changeStreamPreAndPostImages: ['object'],
  timeseries: ['object'],
  clusteredIndex: ['bool', 'object'],
  expireAfterSeconds: NUMBER,
  encryptedFields: ['object'],
};

/** Largest capped size mongod accepts (1 PB). */
const MAX_CAPPED = 2 ** 50;

export const checkCreateOptions = (options: Doc): void => {
  for (const [k, v] of Object.entries(options)) {
    const types = FIELDS[k];
    if (types === undefined)
      throw new MongoServerError(40415, `BSON field 'create.${k}' is an unknown field.`);
    if (types && !types.includes(bsonTypeName(v)))
      throw new MongoServerError(
        14,
        `BSON field 'create.${k}' is the wrong type '${bsonTypeName(v)}', expected types '[${types.join(', ')}]'`,
      );
  }
  const capped = options.capped !== undefined && asNumber(options.capped, options.capped ? 1 : 0) !== 0;
  if (capped) {
    if (options.size === undefined)
      throw new MongoServerError(72, "the 'size' field is required when 'capped' is true");
    const size = asNumber(options.size);
    if (size < 0 || size > MAX_CAPPED)
      throw new MongoServerError(2, `Capped collection size must be between 0 and 1 PB: ${size}`);
    if (options.timeseries !== undefined)
      throw new MongoServerError(72, 'Time-series collections cannot be capped');
    if (options.clusteredIndex !== undefined)
      throw new MongoServerError(72, 'Clustered collections cannot be capped');
  }
  if (options.autoIndexId !== undefined && asNumber(options.autoIndexId, options.autoIndexId ? 1 : 0) === 0)
    throw new MongoServerError(72, "The 'autoIndexId' option is not supported");
  if (options.pipeline !== undefined && options.viewOn === undefined)
    throw new MongoServerError(2, "'pipeline' requires 'viewOn' to also be specified");
  if (
    options.expireAfterSeconds !== undefined &&
    options.timeseries === undefined &&
    options.clusteredIndex === undefined
  )
    throw new MongoServerError(72, "'expireAfterSeconds' requires clustering to be enabled");
  if (options.encryptedFields !== undefined)
    throw new MongoServerError(
      115,
      'encryptedFields (Queryable Encryption) is not supported by the embedded server',
    );
};
