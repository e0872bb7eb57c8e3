import { causationTree, renderTree } from './causation-tree';
import { type EventSummary } from './event-summary';

const event = (eventId: string, causationId: string, type: string): EventSummary => ({
  stream: `s-${eventId}`,
  revision: '0',
  position: null,
  type,
  eventId,
  correlationId: 'c',
  causationId,
  occurredAt: '2026-01-01T00:00:00.000Z',
  recordedAt: '2026-01-01T00:00:00.000Z',
  data: {},
});

describe('causationTree', () => {
  it('nests events under the event that caused them', () => {
    const roots = causationTree([
      event('a', 'request-1', 'OrderPlaced'),
      event('b', 'a', 'CheckoutOrderRecorded'),
      event('c', 'a', 'StockReserved'),
      event('d', 'c', 'PaymentRequested'),
    ]);
    expect(roots).toHaveLength(1);
    expect(roots[0]!.event.type).toBe('OrderPlaced');
    expect(roots[0]!.children.map((n) => n.event.type)).toEqual(['CheckoutOrderRecorded', 'StockReserved']);
    expect(roots[0]!.children[1]!.children[0]!.event.type).toBe('PaymentRequested');
    expect(renderTree(roots).split('\n')).toHaveLength(4);
  });

  it('keeps events whose cause is unknown as roots', () => {
    expect(causationTree([event('a', 'x', 'A'), event('b', 'y', 'B')])).toHaveLength(2);
  });
});
