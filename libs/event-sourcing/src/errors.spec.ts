import {
  ConcurrencyError,
  type DomainError,
  isDomainError,
  NotFoundError,
  RuleViolatedError,
  UnavailableError,
  ValidationError,
} from '@shop/event-sourcing';

class OutOfStock extends RuleViolatedError {
  constructor(sku: string) {
    super('out_of_stock', `No stock left for ${sku}`, { sku });
  }
}

describe('DomainError', () => {
  it('gives every error a category a filter can map without knowing the class', () => {
    const cases: Array<[DomainError, string]> = [
      [new ValidationError('bad', 'bad'), 'validation'],
      [new NotFoundError('missing', 'missing'), 'not_found'],
      [new OutOfStock('sku-1'), 'rule_violated'],
      [new ConcurrencyError('stale', 'stale'), 'concurrency'],
      [new UnavailableError('down', 'down'), 'unavailable'],
    ];
    for (const [error, category] of cases) {
      expect(error.category).toBe(category);
      expect(isDomainError(error)).toBe(true);
    }
  });

  it('keeps a stable code, details and the concrete class name', () => {
    const error = new OutOfStock('sku-1');
    expect(error).toBeInstanceOf(RuleViolatedError);
    expect(error.code).toBe('out_of_stock');
    expect(error.details).toEqual({ sku: 'sku-1' });
    expect(error.name).toBe('OutOfStock');
    expect(isDomainError(new Error('x'))).toBe(false);
  });
});
