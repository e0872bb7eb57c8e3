import { type ReportPeriod, type SalesReportRow, type SalesReportTotals } from './report.events';
import { type SalesDayView } from './sales.projection';

/**
 * The worker's side, kept pure: on SalesReportRequested (subscription), query `sales` with
 * `salesFilterForPeriod(period)` (served by the day_product index) and the products it mentions, call
 * `buildSalesReport`, then send CompleteSalesReport (or FailSalesReport with the error). A re-run after a
 * crash is a no-op on the report: the first outcome wins.
 */
export const salesFilterForPeriod = (period: ReportPeriod) => ({
  day: { $gte: period.from, $lt: period.to },
});

export interface CatalogEntry {
  readonly sku: string;
  readonly name: string;
}

/**
 * Sums the days per product. Products whose sales net to nothing are left out; rows are sorted by revenue
 * (highest first), then product id, so the same data always gives the same report.
 */
export const buildSalesReport = (
  days: readonly Pick<SalesDayView, 'productId' | 'units' | 'revenueCents'>[],
  catalog: (productId: string) => CatalogEntry | undefined,
): { rows: SalesReportRow[]; totals: SalesReportTotals } => {
  const sums = new Map<string, { units: number; revenueCents: number }>();
  for (const day of days) {
    const sum = sums.get(day.productId) ?? { units: 0, revenueCents: 0 };
    sums.set(day.productId, {
      units: sum.units + day.units,
      revenueCents: sum.revenueCents + day.revenueCents,
    });
  }
  const rows = [...sums]
    .filter(([, sum]) => sum.units !== 0 || sum.revenueCents !== 0)
    .map(([productId, sum]) => {
      // A product is never deleted, but a report must not fail on a catalog read model still catching up.
      const entry = catalog(productId) ?? { sku: '', name: '' };
      return { productId, sku: entry.sku, name: entry.name, ...sum };
    })
    .sort((a, b) => b.revenueCents - a.revenueCents || a.productId.localeCompare(b.productId));
  const totals = rows.reduce(
    (sum, row) => ({ units: sum.units + row.units, revenueCents: sum.revenueCents + row.revenueCents }),
    { units: 0, revenueCents: 0 },
  );
  return { rows, totals };
};
