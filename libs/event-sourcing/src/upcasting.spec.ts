import { UnknownSchemaVersionError, UpcasterRegistry } from '@shop/event-sourcing';

describe('UpcasterRegistry', () => {
  const registry = new UpcasterRegistry()
    .register('PriceChanged', 1, (data) => ({ amountCents: Math.round(Number(data.price) * 100) }))
    .register('PriceChanged', 2, (data) => ({ ...data, currency: 'EUR' }));

  it('brings every old version up to the current shape, step by step', () => {
    expect(registry.currentVersion('PriceChanged')).toBe(3);
    expect(registry.upcast('PriceChanged', 1, { price: 12.5 })).toEqual({
      amountCents: 1250,
      currency: 'EUR',
    });
    expect(registry.upcast('PriceChanged', 2, { amountCents: 99 })).toEqual({
      amountCents: 99,
      currency: 'EUR',
    });
    expect(registry.upcast('PriceChanged', 3, { amountCents: 5, currency: 'USD' })).toEqual({
      amountCents: 5,
      currency: 'USD',
    });
  });

  it('treats types without upcasters as version 1 and passes their data through', () => {
    expect(registry.currentVersion('ProductAdded')).toBe(1);
    expect(registry.upcast('ProductAdded', 1, { sku: 'a' })).toEqual({ sku: 'a' });
  });

  it('rejects versions written by newer code instead of misreading them', () => {
    expect(() => registry.upcast('PriceChanged', 4, {})).toThrow(UnknownSchemaVersionError);
    expect(() => registry.upcast('ProductAdded', 0, {})).toThrow(UnknownSchemaVersionError);
  });

  it('requires steps in order and one owner per event type', () => {
    expect(() => new UpcasterRegistry().register('X', 2, (d) => d)).toThrow(/out of order/);
    const merged = UpcasterRegistry.merge(
      registry,
      new UpcasterRegistry().register('Other', 1, (d) => d),
    );
    expect(merged.currentVersion('PriceChanged')).toBe(3);
    expect(merged.currentVersion('Other')).toBe(2);
    expect(() => UpcasterRegistry.merge(registry, registry)).toThrow(/registered twice/);
  });
});
