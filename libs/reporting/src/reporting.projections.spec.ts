import { type DomainEvent, type ProjectionDefinition, type StoredEvent } from '@shop/event-sourcing';
import { orderCancelled, orderConfirmed } from '@shop/ordering';
import { salesReportCompleted, salesReportFailed, salesReportRequested } from './report.events';
import { REPORTS_COLLECTION, reportsProjection } from './reports.projection';
import { buildSalesReport, salesFilterForPeriod } from './sales-report.builder';
import { SALES_COLLECTION, salesProjection } from './sales.projection';

const orderId = '0b7f4b52-2c1e-4f0a-8a8e-3f1b2c3d4e01';
const reportId = '9a0e5d7c-1b2a-4c3d-8e4f-5a6b7c8d9e01';
const p1 = '6f1c1b0e-8a3d-4c55-9a51-0d6f3c2b1a01';
const p2 = '6f1c1b0e-8a3d-4c55-9a51-0d6f3c2b1a02';
const at = '2026-03-01T23:59:59.000Z';
const facts = {
  orderId,
  customerId: 'cust-1',
  lines: [
    { productId: p1, quantity: 2, unitPriceCents: 1000, lineTotalCents: 2000 },
    { productId: p2, quantity: 1, unitPriceCents: 500, lineTotalCents: 500 },
  ],
  totalCents: 2500,
  currency: 'EUR',
};

const stored = <E extends DomainEvent>(event: E, occurredAt = at): StoredEvent<E> => ({
  streamName: 'x-1',
  revision: 0n,
  event,
  metadata: { eventId: 'e', correlationId: 'c', causationId: 'c', schemaVersion: 1, occurredAt },
  recordedAt: new Date(occurredAt),
});

const byIdOnly = <E extends DomainEvent>(projection: ProjectionDefinition<E>, events: E[]) => {
  for (const event of events) {
    for (const write of projection.handle(stored(event))) {
      expect(Object.keys(projection.collections)).toContain(write.collection);
      if (!('updateOne' in write)) throw new Error(`${projection.name} wrote something else than updateOne`);
      expect(Object.keys(write.updateOne.filter)).toEqual(['_id']);
      expect(write.updateOne.upsert).toBe(true);
    }
  }
};

describe('sales projection', () => {
  const booking = (day: string, productId: string, units: number, revenueCents: number, when = at) => ({
    collection: SALES_COLLECTION,
    updateOne: {
      filter: { _id: `${day}:${productId}` },
      update: {
        $setOnInsert: { day, productId },
        $inc: { units, revenueCents },
        $set: { updatedAt: new Date(when) },
      },
      upsert: true,
    },
  });

  it('books every line of a confirmed order on its UTC day', () => {
    expect(salesProjection.handle(stored(orderConfirmed(facts)))).toEqual([
      booking('2026-03-01', p1, 2, 2000),
      booking('2026-03-01', p2, 1, 500),
    ]);
  });

  it('takes a confirmed order back on the day it is cancelled', () => {
    const later = '2026-03-05T08:00:00.000Z';
    const cancelled = orderCancelled({ ...facts, reason: 'r', previousStatus: 'confirmed' });
    expect(salesProjection.handle(stored(cancelled, later))).toEqual([
      booking('2026-03-05', p1, -2, -2000, later),
      booking('2026-03-05', p2, -1, -500, later),
    ]);
  });

  it('ignores orders cancelled before confirmation (never counted)', () => {
    expect(
      salesProjection.handle(stored(orderCancelled({ ...facts, reason: 'r', previousStatus: 'placed' }))),
    ).toEqual([]);
  });

  it('only upserts by _id', () =>
    byIdOnly(salesProjection, [
      orderConfirmed(facts),
      orderCancelled({ ...facts, reason: 'r', previousStatus: 'confirmed' }),
    ]));
});

describe('reports projection', () => {
  const write = (update: Record<string, unknown>) => ({
    collection: REPORTS_COLLECTION,
    updateOne: { filter: { _id: reportId }, update, upsert: true },
  });
  const rows = [{ productId: p1, sku: 'MUG', name: 'Mug', units: 2, revenueCents: 2000 }];

  it('follows the report from pending to ready or failed', () => {
    expect(
      reportsProjection.handle(
        stored(salesReportRequested({ reportId, from: '2026-02-01', to: '2026-03-01' })),
      ),
    ).toEqual([
      write({
        $set: {
          status: 'pending',
          period: { from: '2026-02-01', to: '2026-03-01' },
          requestedAt: new Date(at),
          updatedAt: new Date(at),
        },
      }),
    ]);
    expect(
      reportsProjection.handle(
        stored(salesReportCompleted({ reportId, rows, totals: { units: 2, revenueCents: 2000 } })),
      ),
    ).toEqual([
      write({
        $set: {
          status: 'ready',
          rows,
          totals: { units: 2, revenueCents: 2000 },
          completedAt: new Date(at),
          updatedAt: new Date(at),
        },
      }),
    ]);
    expect(reportsProjection.handle(stored(salesReportFailed({ reportId, reason: 'x' })))).toEqual([
      write({
        $set: { status: 'failed', failureReason: 'x', completedAt: new Date(at), updatedAt: new Date(at) },
      }),
    ]);
  });

  it('only upserts by _id', () =>
    byIdOnly(reportsProjection, [
      salesReportRequested({ reportId, from: '2026-02-01', to: '2026-03-01' }),
      salesReportFailed({ reportId, reason: 'x' }),
    ]));
});

describe('sales report builder', () => {
  it('filters days with a half-open range', () => {
    expect(salesFilterForPeriod({ from: '2026-02-01', to: '2026-03-01' })).toEqual({
      day: { $gte: '2026-02-01', $lt: '2026-03-01' },
    });
  });

  it('sums per product, drops products that net to zero, sorts by revenue, and totals', () => {
    const p3 = '6f1c1b0e-8a3d-4c55-9a51-0d6f3c2b1a03';
    const catalog = new Map([
      [p1, { sku: 'MUG', name: 'Mug' }],
      [p2, { sku: 'CUP', name: 'Cup' }],
    ]);
    const report = buildSalesReport(
      [
        { productId: p1, units: 2, revenueCents: 2000 },
        { productId: p2, units: 5, revenueCents: 2500 },
        { productId: p1, units: 1, revenueCents: 1000 },
        { productId: p3, units: 1, revenueCents: 100 },
        { productId: p3, units: -1, revenueCents: -100 },
      ],
      (id) => catalog.get(id),
    );
    expect(report).toEqual({
      rows: [
        { productId: p1, sku: 'MUG', name: 'Mug', units: 3, revenueCents: 3000 },
        { productId: p2, sku: 'CUP', name: 'Cup', units: 5, revenueCents: 2500 },
      ],
      totals: { units: 8, revenueCents: 5500 },
    });
  });
});

describe('reports projection: live changes', () => {
  it('announces a request as a report change, and its completion either way as ready', () => {
    expect(
      reportsProjection.changes?.(
        stored(salesReportRequested({ reportId, from: '2026-02-01', to: '2026-03-01' })),
      ),
    ).toEqual([{ topic: 'report', id: reportId }]);
    expect(reportsProjection.changes?.(stored(salesReportFailed({ reportId, reason: 'x' })))).toEqual([
      { topic: 'report', id: reportId },
      { topic: 'report-ready', id: reportId },
    ]);
  });
});
