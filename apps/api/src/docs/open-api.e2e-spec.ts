import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';

interface Operation {
  summary?: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; example?: unknown; schema?: { example?: unknown } }[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
interface Document {
  security?: Record<string, string[]>[];
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
  paths: Record<string, Record<string, Operation>>;
}

/** The OpenAPI document behind /docs, as Swagger UI reads it. */
describe('/docs', () => {
  let api: ApiUnderTest;
  let document: Document;
  const operations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ id: `${method} ${path}`, path, operation })),
    );

  beforeAll(async () => {
    api = await startApiUnderTest();
    document = (await api.app.inject({ url: '/docs-json' })).json<Document>();
  });
  afterAll(() => api.close());

  it('requires the bearer token on every operation but health, so Authorize is sent by Try-it-out', () => {
    expect(document.components.securitySchemes).toHaveProperty('bearer');
    expect(document.security).toEqual([{ bearer: [] }]);
    for (const { id, path, operation } of operations()) {
      if (path.startsWith('/health'))
        expect({ id, security: operation.security }).toEqual({ id, security: [] });
      else expect({ id, security: operation.security }).toEqual({ id, security: undefined });
    }
  });

  it('gives every operation a summary', () => {
    const without = operations().filter(({ operation }) => !operation.summary?.trim());
    expect(without.map(({ id }) => id)).toEqual([]);
  });

  it('documents every error response with the problem schema', () => {
    expect(document.components.schemas).toHaveProperty('Problem');
    for (const { id, path, operation } of operations()) {
      const errors = Object.entries(operation.responses).filter(([status]) => Number(status) >= 400);
      if (!path.startsWith('/health'))
        expect({ id, has401: errors.some(([s]) => s === '401') }).toEqual({ id, has401: true });
      for (const [status, response] of errors) {
        expect({ id, status, schema: response.content?.['application/problem+json']?.schema?.$ref }).toEqual({
          id,
          status,
          schema: '#/components/schemas/Problem',
        });
      }
    }
  });

  it('pre-fills no query parameter (a made-up position would make every try wait)', () => {
    for (const { id, operation } of operations()) {
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in !== 'query') continue;
        expect({ id, name: parameter.name, example: parameter.example ?? parameter.schema?.example }).toEqual(
          {
            id,
            name: parameter.name,
            example: undefined,
          },
        );
      }
    }
  });

  it('serves the page over plain HTTP on any host without upgrading its scripts or sending HSTS', async () => {
    const page = await api.app.inject({ url: '/docs', headers: { host: 'shop.internal:3000' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(page.headers['strict-transport-security']).toBeUndefined();
  });
});
