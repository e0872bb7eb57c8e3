import { type AddressInfo } from 'node:net';
import { type ApiUnderTest } from '../testing/api-under-test';

export interface GraphqlError {
  message: string;
  path?: (string | number)[];
  extensions: Record<string, unknown> & { code: string };
}

export interface GraphqlReply<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data: T | null;
  errors?: GraphqlError[];
}

/** A plain-fetch GraphQL client against the listening API under test (what any HTTP client sends). */
export class GraphqlTestClient {
  constructor(
    readonly url: string,
    private readonly token: string | undefined,
  ) {}

  static async as(api: ApiUnderTest, role: Parameters<ApiUnderTest['token']>[0], sub?: string) {
    return new GraphqlTestClient(graphqlUrl(api), await api.token(role, sub));
  }

  async query<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<GraphqlReply<T>> {
    return this.post({ query, ...(variables ? { variables } : {}) }, headers) as Promise<GraphqlReply<T>>;
  }

  async post(body: unknown, headers: Record<string, string> = {}): Promise<GraphqlReply> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as { data?: unknown; errors?: GraphqlError[] };
    return {
      status: response.status,
      headers: response.headers,
      data: (json.data ?? null) as Record<string, unknown> | null,
      ...(json.errors ? { errors: json.errors } : {}),
    };
  }
}

export const graphqlUrl = (api: ApiUnderTest): string => {
  const { port } = api.app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${port}/graphql`;
};
