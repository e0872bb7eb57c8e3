import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import * as path from 'node:path';

/** The committed SDL: what clients generate code from and reviewers diff. */
export const SCHEMA_FILE = path.join(__dirname, 'schema.graphql');

export const HEADER =
  '# Generated from the code-first types in apps/api/src/graphql: do not edit by hand.\n' +
  '# Regenerate: UPDATE_GRAPHQL_SCHEMA=true npx jest apps/api/src/graphql/schema.spec.ts\n\n';

export const sdlOf = (schema: GraphQLSchema): string =>
  `${HEADER}${printSchema(lexicographicSortSchema(schema))}\n`;
