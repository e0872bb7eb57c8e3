import { MAX_CELL, renderTable } from './output';

describe('CLI tables', () => {
  const id = '3f2a1b9c-4d5e-4f60-8a7b-9c0d1e2f3a4b';
  const payload = { orderId: id, lines: [{ productId: id, quantity: 2, unitPriceCents: 1990 }] };
  const rows = [{ streamId: `order-${id}`, type: 'OrderPlaced', data: payload }];

  it('shortens ids to their first 8 hex digits and cuts long payloads, saying so', () => {
    const { text, shortened } = renderTable(rows);
    expect(shortened).toBe(true);
    expect(text).toContain('order-3f2a1b9c…');
    expect(text).not.toContain(id);
    const dataCell = text.split('\n')[2]?.split('OrderPlaced')[1]?.trim() ?? '';
    expect(dataCell.length).toBeLessThanOrEqual(MAX_CELL);
    expect(dataCell.endsWith('…')).toBe(true);
  });

  it('shows everything with --wide', () => {
    const { text, shortened } = renderTable(rows, { wide: true });
    expect(shortened).toBe(false);
    expect(text).toContain(`order-${id}`);
    expect(text).toContain(JSON.stringify(payload));
  });

  it('leaves short values alone and keeps columns aligned', () => {
    const { text, shortened } = renderTable([
      { name: 'products', state: 'live' },
      { name: 'customer-orders', state: 'catching-up' },
    ]);
    expect(shortened).toBe(false);
    const [header, rule, first, second] = text.split('\n');
    expect(header).toBe('name             state');
    expect(rule).toBe('---------------  -----------');
    expect(first).toBe('products         live');
    expect(second).toBe('customer-orders  catching-up');
    expect(renderTable([]).text).toBe('(none)');
  });
});
