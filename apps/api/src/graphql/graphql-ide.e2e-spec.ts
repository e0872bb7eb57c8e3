import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';
import { GraphqlTestClient, graphqlUrl } from './graphql-test-client';

// Its own file: configuration is read once per test process.
describe('GraphQL with GRAPHQL_IDE=true (development)', () => {
  let api: ApiUnderTest;

  beforeAll(async () => {
    api = await startApiUnderTest({ GRAPHQL_IDE: 'true', RATE_LIMIT_PER_IP: '100000' }, { listen: true });
  });
  afterAll(() => api.close());

  it('answers introspection and serves GraphiQL', async () => {
    const clerk = await GraphqlTestClient.as(api, 'clerk');
    const introspection = await clerk.query<{ __schema: { queryType: { name: string } } }>(
      '{ __schema { queryType { name } } }',
    );
    expect(introspection.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const ide = await fetch(graphqlUrl(api).replace('/graphql', '/graphiql'));
    expect(ide.status).toBe(200);
  });
});
