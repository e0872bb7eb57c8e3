import { type DomainEvent } from '@shop/event-sourcing';

// Event type strings are a persisted contract: never rename them, version their data with an upcaster.

/** A period of whole UTC days, half-open: `from` included, `to` excluded (both `YYYY-MM-DD`). */
export interface ReportPeriod {
  readonly from: string;
  readonly to: string;
}

/**
 * Net sales of one product in the period. Units and revenue can be negative: a confirmed order cancelled
 * within the period but confirmed before it is taken back on its cancellation day.
 */
export interface SalesReportRow {
  readonly productId: string;
  readonly sku: string;
  readonly name: string;
  readonly units: number;
  readonly revenueCents: number;
}

export interface SalesReportTotals {
  readonly units: number;
  readonly revenueCents: number;
}

export type SalesReportRequested = DomainEvent<'SalesReportRequested', { reportId: string } & ReportPeriod>;
export type SalesReportCompleted = DomainEvent<
  'SalesReportCompleted',
  { reportId: string; rows: readonly SalesReportRow[]; totals: SalesReportTotals }
>;
export type SalesReportFailed = DomainEvent<'SalesReportFailed', { reportId: string; reason: string }>;

export type ReportEvent = SalesReportRequested | SalesReportCompleted | SalesReportFailed;
export type ReportEventType = ReportEvent['type'];

export const REPORT_EVENT_TYPES = [
  'SalesReportRequested',
  'SalesReportCompleted',
  'SalesReportFailed',
] as const satisfies readonly ReportEventType[];

export const isReportEvent = (event: DomainEvent): event is ReportEvent =>
  (REPORT_EVENT_TYPES as readonly string[]).includes(event.type);

export const salesReportRequested = (data: SalesReportRequested['data']): SalesReportRequested => ({
  type: 'SalesReportRequested',
  data,
});
export const salesReportCompleted = (data: SalesReportCompleted['data']): SalesReportCompleted => ({
  type: 'SalesReportCompleted',
  data,
});
export const salesReportFailed = (data: SalesReportFailed['data']): SalesReportFailed => ({
  type: 'SalesReportFailed',
  data,
});
