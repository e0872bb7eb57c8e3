import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type IntegrationEventType } from './contracts';

/** Where the contract's JSON Schemas live (`<type>.schema.json`), in the repository and next to the build. */
export const SCHEMAS_DIR = path.join(__dirname, 'schemas');

/** The JSON Schema (draft 2020-12) of one integration event type's `data`. */
export const schemaOf = (type: IntegrationEventType): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(SCHEMAS_DIR, `${type}.schema.json`), 'utf8')) as Record<string, unknown>;
