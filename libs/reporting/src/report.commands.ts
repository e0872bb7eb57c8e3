import { type Command, type CommandMetadata } from '@shop/event-sourcing';
import { type ReportPeriod, type SalesReportRow, type SalesReportTotals } from './report.events';

export type RequestSalesReport = Command<'RequestSalesReport', { reportId: string } & ReportPeriod>;
export type CompleteSalesReport = Command<
  'CompleteSalesReport',
  { reportId: string; rows: readonly SalesReportRow[]; totals: SalesReportTotals }
>;
export type FailSalesReport = Command<'FailSalesReport', { reportId: string; reason: string }>;

export type ReportCommand = RequestSalesReport | CompleteSalesReport | FailSalesReport;

export const requestSalesReport = (
  data: RequestSalesReport['data'],
  metadata: CommandMetadata,
): RequestSalesReport => ({ type: 'RequestSalesReport', data, metadata });
export const completeSalesReport = (
  data: CompleteSalesReport['data'],
  metadata: CommandMetadata,
): CompleteSalesReport => ({ type: 'CompleteSalesReport', data, metadata });
export const failSalesReport = (
  data: FailSalesReport['data'],
  metadata: CommandMetadata,
): FailSalesReport => ({
  type: 'FailSalesReport',
  data,
  metadata,
});
