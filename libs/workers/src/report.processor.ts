import { contextFromEvent, type LogPosition, type StoredEvent } from '@shop/event-sourcing';
import { type AggregateStore } from '@shop/eventstore';
import { PRODUCTS_COLLECTION, type ProductView } from '@shop/inventory';
import { type ProcessorDefinition } from '@shop/projections';
import {
  buildSalesReport,
  completeSalesReport,
  failSalesReport,
  type ReportEvent,
  reportDecider,
  reportStreamName,
  SALES_COLLECTION,
  type SalesDayView,
  salesFilterForPeriod,
  salesProjection,
} from '@shop/reporting';
import { type Db } from 'mongodb';

/** How long a report waits for the sales view to include everything up to its request. */
const VIEW_WAIT_MS = 30_000;

export type ViewWaiter = (projection: string, position: LogPosition, timeoutMs: number) => Promise<boolean>;

/**
 * Builds requested sales reports in the background from the `sales` read model, as of the moment they
 * were requested (it first waits for the view to reach the request's position), and records the outcome
 * as events on the report. Re-running after a crash is harmless: the first recorded outcome wins.
 */
export const reportProcessor = (
  store: AggregateStore,
  db: Db,
  waitForView: ViewWaiter,
): ProcessorDefinition<ReportEvent> => ({
  name: 'report-builder',
  eventTypes: ['SalesReportRequested'],
  key: (stored) => stored.event.data.reportId,
  handle: async (stored: StoredEvent<ReportEvent>) => {
    if (stored.event.type !== 'SalesReportRequested') return;
    const { reportId, from, to } = stored.event.data;
    const stream = reportStreamName(reportId);
    const metadata = { now: new Date(), idempotencyKey: `report:${reportId}:outcome` };
    const options = { context: contextFromEvent(stored) };
    if (stored.position && !(await waitForView(salesProjection.name, stored.position, VIEW_WAIT_MS))) {
      // Not a failure of the report: the processor retries it (and parks it if the view never catches up).
      throw new Error(`sales view has not reached the request of report ${reportId}`);
    }
    let command;
    try {
      const days = await db
        .collection<SalesDayView>(SALES_COLLECTION)
        .find(salesFilterForPeriod({ from, to }))
        .toArray();
      const productIds = [...new Set(days.map((d) => d.productId))];
      const products = await db
        .collection<ProductView>(PRODUCTS_COLLECTION)
        .find({ _id: { $in: productIds } }, { projection: { sku: 1, name: 1 } })
        .toArray();
      const catalog = new Map(products.map((p) => [p._id, { sku: p.sku, name: p.name }]));
      const { rows, totals } = buildSalesReport(days, (id) => catalog.get(id));
      command = completeSalesReport({ reportId, rows, totals }, metadata);
    } catch (error) {
      command = failSalesReport(
        { reportId, reason: `report could not be built: ${String(error)}`.slice(0, 500) },
        metadata,
      );
    }
    await store.handle(reportDecider, stream, command, options);
  },
});
