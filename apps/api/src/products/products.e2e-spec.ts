import { randomUUID } from 'node:crypto';
import { ShopClient } from '../checkout/shop-client';
import { type ApiUnderTest, startApiUnderTest } from '../testing/api-under-test';
import { eventually } from '@shop/testing';

describe('products over HTTP', () => {
  let api: ApiUnderTest;
  let clerk: ShopClient;
  const tag = randomUUID().slice(0, 6);
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApiUnderTest({ RATE_LIMIT_PER_USER: '100000', RATE_LIMIT_PER_IP: '100000' });
    clerk = await ShopClient.as(api, 'clerk');
    const catalog: [string, number][] = [
      ['apple', 300],
      ['apricot', 150],
      ['banana', 120],
      ['blueberry', 900],
      ['cherry', 700],
    ];
    let position = '';
    for (const [name, price] of catalog) {
      const res = await clerk.request('POST', '/v1/products', {
        sku: `${tag}-${name}`,
        name: `${tag} ${name}`,
        priceCents: price,
      });
      expect(res.status).toBe(201);
      ids[name] = res.body.id as string;
      position = res.body.position as string;
    }
    // Read-your-writes: the last command's position makes the list wait for the view.
    await clerk.request('GET', `/v1/products?position=${position}`);
  });
  afterAll(() => api.close());

  const names = (body: Record<string, unknown>) =>
    (body.items as { name: string }[]).map((p) => p.name.split(' ')[1] ?? p.name);

  it('pages through the catalog by name with a cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/products?q=${tag}&sort=name&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await clerk.request('GET', url);
      expect(page.status).toBe(200);
      seen.push(...names(page.body));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(seen).toEqual(['apple', 'apricot', 'banana', 'blueberry', 'cherry']);
  });

  it('refuses a cursor reused with another sort (400 invalid_cursor)', async () => {
    const first = await clerk.request('GET', `/v1/products?q=${tag}&sort=price&limit=2`);
    const cursor = first.body.nextCursor as string;
    expect(typeof cursor).toBe('string');
    const reused = await clerk.request('GET', `/v1/products?q=${tag}&sort=newest&limit=2&cursor=${cursor}`);
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ code: 'invalid_cursor' });
  });

  it('filters by name prefix and price range, sorted by price', async () => {
    const prefix = await clerk.request('GET', `/v1/products?namePrefix=${encodeURIComponent(`${tag} ap`)}`);
    expect(names(prefix.body)).toEqual(['apple', 'apricot']);
    const range = await clerk.request(
      'GET',
      `/v1/products?q=${tag}&sort=price&minPriceCents=150&maxPriceCents=700`,
    );
    expect(names(range.body)).toEqual(['apricot', 'apple', 'cherry']);
  });

  describe('full-text search (q) on the text index of the products view', () => {
    const gear: Record<string, string> = {};
    const search = async (q: string, extra = ''): Promise<Record<string, unknown>> => {
      const res = await clerk.request('GET', `/v1/products?q=${encodeURIComponent(q)}${extra}`);
      expect(res.status).toBe(200);
      return res.body;
    };
    const found = (body: Record<string, unknown>): string[] =>
      (body.items as { id: string }[]).map((p) => Object.keys(gear).find((k) => gear[k] === p.id) ?? p.id);

    beforeAll(async () => {
      let position = '';
      for (const [key, name, price] of [
        ['leather', 'Leather Shoes', 8000],
        ['trail', 'Trail running shoe', 9000],
        ['jacket', 'Rain jacket for running', 12000],
        ['cafe', 'Café table', 5000],
      ] as const) {
        const res = await clerk.request('POST', '/v1/products', {
          sku: `${tag}-${key}`,
          name,
          priceCents: price,
        });
        expect(res.status).toBe(201);
        gear[key] = res.body.id as string;
        position = res.body.position as string;
      }
      await clerk.request('GET', `/v1/products?position=${position}`);
    });

    it('matches stemmed words, ignoring case and diacritics, best match first', async () => {
      // "shoes" and "shoe" stem alike; the shorter name scores higher
      expect(found(await search('SHOES'))).toEqual(['leather', 'trail']);
      // both names have three indexed words: equal scores, so only membership is asserted
      expect(found(await search('runs')).sort()).toEqual(['jacket', 'trail']);
      expect(found(await search('cafe'))).toEqual(['cafe']);
      expect(found(await search('the'))).toEqual([]);
    });

    it('honours phrases and negated words, combines with filters and other sorts', async () => {
      expect(found(await search('"leather shoes"'))).toEqual(['leather']);
      expect(found(await search('running -jacket'))).toEqual(['trail']);
      expect(found(await search('running shoe', '&sort=price'))).toEqual(['leather', 'trail', 'jacket']);
      expect(found(await search('running', '&maxPriceCents=10000'))).toEqual(['trail']);
      // the SKU is indexed too; hyphens split words, so a SKU is searched as a phrase
      expect(found(await search(`"${tag}-cafe"`))).toEqual(['cafe']);
    });

    it('pages by relevance with a cursor', async () => {
      const first = await search('running shoe', '&limit=2');
      expect(found(first)).toEqual(['trail', 'leather']);
      const second = await search('running shoe', `&limit=2&cursor=${first.nextCursor as string}`);
      expect(found(second)).toEqual(['jacket']);
      expect(second.nextCursor).toBeNull();
      const reused = await clerk.request(
        'GET',
        `/v1/products?q=x&sort=name&cursor=${first.nextCursor as string}`,
      );
      expect(reused.status).toBe(400);
      const noQuery = await clerk.request('GET', '/v1/products?sort=relevance');
      expect(noQuery.status).toBe(400);
      expect(noQuery.body).toMatchObject({ code: 'relevance_needs_q' });
    });

    it('is documented in the OpenAPI document', async () => {
      const doc = (await api.app.inject({ url: '/docs-json' })).json<{
        paths: Record<string, Record<string, { parameters: { name: string; description?: string }[] }>>;
      }>();
      const params = doc.paths['/v1/products']?.get?.parameters ?? [];
      expect(params.find((p) => p.name === 'q')?.description).toMatch(/Full-text search/);
      expect(params.map((p) => p.name)).toEqual(expect.arrayContaining(['q', 'namePrefix', 'sort']));
    });
  });

  it('registers a SKU once: identical again is a no-op, different details conflict', async () => {
    const again = await clerk.request('POST', '/v1/products', {
      sku: `${tag}-apple`,
      name: `${tag} apple`,
      priceCents: 300,
    });
    // Nothing was created: 200, not 201, with the same answer otherwise.
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: ids.apple, revision: '0', position: null });
    expect(again.headers.location).toBe(`/v1/products/${ids.apple}`);
    const conflict = await clerk.request('POST', '/v1/products', {
      sku: `${tag}-apple`,
      name: 'other',
      priceCents: 1,
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ code: 'product_already_registered', status: 409 });
  });

  it('answers clear problems for bad input and unknown products', async () => {
    const missing = await clerk.request('GET', `/v1/products/${randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'product_not_found' });
    expect((await clerk.request('GET', '/v1/products?cursor=bm90LWEtY3Vyc29y')).status).toBe(400);
    expect((await clerk.request('GET', '/v1/products?limit=1000')).status).toBe(400);
    expect((await clerk.request('GET', '/v1/products?position=garbage')).status).toBe(400);
    const injected = await clerk.request('POST', '/v1/products', {
      sku: { $gt: '' },
      name: 'x',
      priceCents: 1,
    });
    expect(injected.status).toBe(400);
    const customer = await ShopClient.as(api, 'customer');
    expect(
      (await customer.request('POST', '/v1/products', { sku: 'X-1', name: 'x', priceCents: 1 })).status,
    ).toBe(403);
  });

  it('receives stock and shows it (ETag is the product revision)', async () => {
    const res = await clerk.request('POST', `/v1/products/${ids.cherry}/stock`, { quantity: 4 });
    expect(res.status).toBe(200);
    const product = await eventually(async () => {
      const got = await clerk.request(
        'GET',
        `/v1/products/${ids.cherry}?position=${res.body.position as string}`,
      );
      return got.status === 200 ? got : undefined;
    });
    expect(product.body).toMatchObject({ onHand: 4, available: 4, reserved: 0, revision: '1' });
    expect(product.headers.etag).toBe('"1"');
  });
});
