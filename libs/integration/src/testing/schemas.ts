import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type IntegrationEventType } from '../contracts';

/** Test-only: where the contract's JSON Schemas live (`<type>.schema.json`). */
export const SCHEMAS_DIR = path.join(__dirname, '..', 'schemas');

/** The JSON Schema (draft 2020-12) of one integration event type's `data`. */
export const schemaOf = (type: IntegrationEventType): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(SCHEMAS_DIR, `${type}.schema.json`), 'utf8')) as Record<string, unknown>;

const ajv = addFormats(new Ajv2020({ allErrors: true, strict: true }));

/** What the type's schema finds wrong with `data` (empty: valid), as `<path> <message>` lines. */
export const schemaErrors = (type: IntegrationEventType, data: unknown): string[] => {
  const check = ajv.getSchema(type) ?? ajv.addSchema(schemaOf(type), type).getSchema(type)!;
  return check(data) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`.trim());
};
