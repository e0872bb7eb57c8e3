import { CancelBudget } from './cancel-budget';

describe('CancelBudget', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('grants a burst at once, then paces callers at the rate, first come first served', async () => {
    const budget = new CancelBudget(10, 3, () => Date.now());
    const granted: number[] = [];
    const takes = Array.from({ length: 6 }, (_, i) => budget.take().then(() => granted.push(i)));
    await Promise.resolve();
    await Promise.resolve();
    expect(granted).toEqual([0, 1, 2]);

    await jest.advanceTimersByTimeAsync(100);
    expect(granted).toEqual([0, 1, 2, 3]);
    await jest.advanceTimersByTimeAsync(200);
    expect(granted).toEqual([0, 1, 2, 3, 4, 5]);
    await Promise.all(takes);
  });

  it('refills while idle, never above the burst', async () => {
    const budget = new CancelBudget(10, 2, () => Date.now());
    await budget.take();
    await budget.take();
    jest.advanceTimersByTime(60_000);
    let granted = 0;
    const takes = Array.from({ length: 3 }, () => budget.take().then(() => granted++));
    await Promise.resolve();
    await Promise.resolve();
    expect(granted).toBe(2);
    await jest.advanceTimersByTimeAsync(100);
    expect(granted).toBe(3);
    await Promise.all(takes);
  });
});
