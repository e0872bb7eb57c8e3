import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type Role } from '@shop/auth';

/** A thin HTTP client over the app under test, speaking as one role: what a client developer would write. */
export class ShopClient {
  constructor(
    private readonly app: NestFastifyApplication,
    private readonly bearer: string,
  ) {}

  static async as(
    api: { app: NestFastifyApplication; token(role: Role, sub?: string): Promise<string> },
    role: Role,
    sub?: string,
  ) {
    return new ShopClient(api.app, await api.token(role, sub));
  }

  async request(
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const res = await this.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${this.bearer}`, ...headers },
      ...(body !== undefined ? { payload: body as object } : {}),
    });
    return {
      status: res.statusCode,
      headers: res.headers,
      body: res.body ? res.json<Record<string, unknown>>() : {},
    };
  }

  async registerProduct(sku: string, priceCents: number, stock: number): Promise<string> {
    const created = await this.request('POST', '/v1/products', { sku, name: `Product ${sku}`, priceCents });
    if (created.status !== 201) throw new Error(`register failed: ${JSON.stringify(created.body)}`);
    const id = created.body.id as string;
    if (stock > 0) {
      const received = await this.request('POST', `/v1/products/${id}/stock`, { quantity: stock });
      if (received.status !== 200) throw new Error(`stock failed: ${JSON.stringify(received.body)}`);
    }
    return id;
  }

  placeOrder(lines: { productId: string; quantity: number }[], idempotencyKey?: string) {
    return this.request(
      'POST',
      '/v1/orders',
      { lines },
      idempotencyKey ? { 'idempotency-key': idempotencyKey } : {},
    );
  }
}
