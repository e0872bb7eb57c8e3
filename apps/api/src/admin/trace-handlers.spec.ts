import { type EventSummary } from '@shop/inspection';
import { traceHandlers, type Worker } from './trace-handlers';

const event = (eventId: string, type: string, position: string | null): EventSummary => ({
  stream: `order-${eventId}`,
  revision: '0',
  position,
  type,
  eventId,
  correlationId: 'c',
  causationId: 'c',
  occurredAt: '2026-12-06T00:00:00.000Z',
  recordedAt: '2026-12-06T00:00:00.000Z',
  data: {},
});

const workers: Worker[] = [
  { name: 'orders', kind: 'projection', eventTypes: ['OrderPlaced', 'OrderConfirmed'] },
  { name: 'checkout', kind: 'processor', eventTypes: ['OrderPlaced'] },
  { name: 'products', kind: 'projection', eventTypes: ['StockReserved'] },
];
const pos = (commit: number) => ({ commit: BigInt(commit), prepare: BigInt(commit) });

describe('traceHandlers', () => {
  const tree = [
    {
      event: event('a', 'OrderPlaced', '10/10'),
      children: [{ event: event('b', 'OrderConfirmed', '20/20'), children: [] }],
    },
  ];

  it('marks each handler applied once its checkpoint passed the event, pending before', () => {
    const statuses = [
      { name: 'orders', checkpoint: pos(10) },
      { name: 'checkout', checkpoint: pos(25) },
    ];
    expect(traceHandlers(tree, workers, statuses, new Map())).toEqual([
      {
        eventId: 'a',
        handlers: [
          { name: 'orders', kind: 'projection', state: 'applied' },
          { name: 'checkout', kind: 'processor', state: 'applied' },
        ],
      },
      { eventId: 'b', handlers: [{ name: 'orders', kind: 'projection', state: 'pending' }] },
    ]);
  });

  it('a parked event is parked, whatever the checkpoint; no checkpoint or no position is pending', () => {
    const parked = new Map([['orders', new Set(['a'])]]);
    const [a] = traceHandlers(tree, workers, [{ name: 'orders', checkpoint: pos(99) }], parked);
    expect(a?.handlers).toEqual([
      { name: 'orders', kind: 'projection', state: 'parked' },
      { name: 'checkout', kind: 'processor', state: 'pending' },
    ]);
    const unpositioned = [{ event: event('x', 'OrderPlaced', null), children: [] }];
    expect(
      traceHandlers(unpositioned, workers, [{ name: 'orders', checkpoint: pos(99) }], new Map())[0],
    ).toMatchObject({ handlers: [{ state: 'pending' }, { state: 'pending' }] });
  });

  it('an event no worker handles has no handlers', () => {
    const only = [{ event: event('z', 'SomethingElse', '1/1'), children: [] }];
    expect(traceHandlers(only, workers, [], new Map())).toEqual([{ eventId: 'z', handlers: [] }]);
  });
});
