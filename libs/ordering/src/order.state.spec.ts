import { canTransition, ORDER_TRANSITIONS, type OrderStatus } from './order.state';

describe('order state machine', () => {
  const all = Object.keys(ORDER_TRANSITIONS) as OrderStatus[];
  const allowed = ['placed>confirmed', 'placed>cancelled', 'confirmed>shipped', 'confirmed>cancelled'];
  it.each(all.flatMap((from) => all.map((to) => [from, to] as const)))('%s -> %s', (from, to) => {
    expect(canTransition(from, to)).toBe(allowed.includes(`${from}>${to}`));
  });
});
