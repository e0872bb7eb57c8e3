import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';
import { GraphqlTestClient, graphqlUrl } from './graphql-test-client';

const aliased = (count: number): string =>
  `{ ${Array.from({ length: count }, (_, i) => `a${i}: product(id: "${randomUUID()}") { id }`).join(' ')} }`;

describe('GraphQL under attack: every limit answers a clear error', () => {
  let api: ApiUnderTest;
  let url: string;
  let clerk: GraphqlTestClient;

  beforeAll(async () => {
    api = await startApiUnderTest(
      {
        RATE_LIMIT_PER_USER: '20',
        RATE_LIMIT_PER_IP: '100000',
        GRAPHQL_MAX_DEPTH: '6',
        GRAPHQL_MAX_COST: '300',
        GRAPHQL_IDE: 'false',
      },
      { listen: true },
    );
    url = graphqlUrl(api);
    clerk = await GraphqlTestClient.as(api, 'clerk');
  });
  afterAll(() => api.close());

  it('401 problem with WWW-Authenticate without a token, and invalid_token for a forged one', async () => {
    const anonymous = await new GraphqlTestClient(url, undefined).query('{ projections { name } }');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer realm="eventshop"/);
    const forgedToken = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory')
      .setIssuer('eventshop')
      .setAudience('eventshop-api')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-secret-not-the-secret-000'));
    const forged = await new GraphqlTestClient(url, forgedToken).query('{ projections { name } }');
    expect(forged.status).toBe(401);
    expect(forged.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('refuses a query nested deeper than GRAPHQL_MAX_DEPTH (QUERY_TOO_DEEP)', async () => {
    const admin = await GraphqlTestClient.as(api, 'admin');
    const deep = await admin.query(
      '{ trace(correlationId: "x") { tree { children { children { children { children { event { type } } } } } } } }',
    );
    expect(deep.status).toBe(400);
    expect(deep.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_DEEP', depth: 8, maxDepth: 6 });
  });

  it('refuses a query costlier than GRAPHQL_MAX_COST, also when the page size is a variable', async () => {
    const costly = await clerk.query(
      'query ($n: Int) { myOrders(first: $n) { nodes { lines { product { id } } } } }',
      { n: 100 },
    );
    expect(costly.status).toBe(400);
    expect(costly.errors?.[0]?.extensions).toMatchObject({
      code: 'QUERY_TOO_COSTLY',
      cost: 701,
      maxCost: 300,
    });
    const cheaper = await clerk.query('{ myOrders(first: 10) { nodes { lines { product { id } } } } }');
    expect(cheaper.errors).toBeUndefined();
  });

  it('refuses more than 20 aliases (TOO_MANY_ALIASES)', async () => {
    const many = await clerk.query(aliased(21));
    expect(many.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_ALIASES', aliases: 21 });
    const allowed = await clerk.query(aliased(20));
    expect(allowed.errors?.every((e) => e.extensions.code === 'NOT_FOUND')).toBe(true);
  });

  it('refuses batched operations (a JSON array) and documents beyond one operation', async () => {
    const batch = await clerk.post([
      { query: '{ projections { name } }' },
      { query: '{ projections { name } }' },
    ]);
    expect(batch.status).toBe(400);
    expect(batch.data).toBeNull();
  });

  it('keeps introspection and GraphiQL off unless GRAPHQL_IDE is set', async () => {
    const introspection = await clerk.query('{ __schema { types { name } } }');
    expect(introspection.status).toBe(400);
    expect(introspection.errors?.[0]?.message).toMatch(/introspection/i);
    const ide = await fetch(url.replace('/graphql', '/graphiql'));
    expect(ide.status).toBe(404);
  });

  it('never shows a stack trace for malformed requests', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await api.token('clerk')}` },
      body: '{"query": "{ product(id: ',
    });
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(text).not.toMatch(/\.(ts|js):\d+|node_modules/);
    const syntax = await clerk.query('{ product(id: ');
    expect(syntax.status).toBe(400);
    expect(syntax.errors?.[0]?.extensions.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(syntax)).not.toMatch(/\.(ts|js):\d+|node_modules/);
  });

  it('rate limits by cost: a page of 100 takes 3 requests from the per-user budget, a small query 1', async () => {
    const heavy = await GraphqlTestClient.as(api, 'clerk');
    const page = '{ products(first: 100) { nodes { id } } }';
    for (let i = 0; i < 6; i += 1) expect((await heavy.query(page)).errors).toBeUndefined();
    const refused = await heavy.query(page);
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    const light = await GraphqlTestClient.as(api, 'clerk');
    for (let i = 0; i < 7; i += 1)
      expect((await light.query('{ products(first: 1) { nodes { id } } }')).errors).toBeUndefined();
  });
});
