import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import * as prettier from 'prettier';
import { startApiUnderTest } from '../../api/src/testing/api-under-test';

const API_DIR = path.join(__dirname, '..', 'src', 'api');
export const DOCUMENT_FILE = path.join(API_DIR, 'openapi.json');
export const TYPES_FILE = path.join(API_DIR, 'schema.d.ts');

export interface ApiContract {
  document: string;
  types: string;
}

/** The OpenAPI document the real application serves at /docs-json (embedded servers, fresh data dir). */
export async function servedDocument(): Promise<unknown> {
  const api = await startApiUnderTest();
  try {
    return (await api.app.inject({ url: '/docs-json' })).json<unknown>();
  } finally {
    await api.close();
  }
}

/** The console's contract files for `document`, formatted as the repository formats them. */
export async function contractOf(document: unknown): Promise<ApiContract> {
  const format = async (text: string, file: string) =>
    prettier.format(text, { ...(await prettier.resolveConfig(file)), filepath: file });
  const generated = astToString(await openapiTS(document as Parameters<typeof openapiTS>[0]));
  const header =
    "// Generated from the API's OpenAPI document by `npm run console:api`: never edit by hand.\n";
  return {
    document: await format(JSON.stringify(document), DOCUMENT_FILE),
    types: await format(header + generated, TYPES_FILE),
  };
}

export async function committedContract(): Promise<ApiContract> {
  return {
    document: await readFile(DOCUMENT_FILE, 'utf8'),
    types: await readFile(TYPES_FILE, 'utf8'),
  };
}

/** Writes the contract files; with --check, only compares them and fails naming what drifted. */
async function main(check: boolean): Promise<void> {
  const contract = await contractOf(await servedDocument());
  const files = [
    { file: DOCUMENT_FILE, text: contract.document },
    { file: TYPES_FILE, text: contract.types },
  ];
  const relative = (file: string) => path.relative(process.cwd(), file);
  if (check) {
    const committed = await committedContract();
    const drifted = files.filter(
      ({ file, text }) => text !== (file === DOCUMENT_FILE ? committed.document : committed.types),
    );
    if (drifted.length > 0) {
      throw new Error(
        `${drifted.map((d) => relative(d.file)).join(' and ')} differ from what the API serves: ` +
          'run `npm run console:api` and commit the result',
      );
    }
    process.stdout.write('console API contract is up to date\n');
    return;
  }
  for (const { file, text } of files) await writeFile(file, text);
  process.stdout.write(`wrote ${files.map((f) => relative(f.file)).join(' and ')}\n`);
}

if (require.main === module) {
  main(process.argv.includes('--check')).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
