/**
 * Reporting bounded context: the sales report aggregate (stream `report-<uuid>`, pending -> ready | failed),
 * the `sales` read model it is built from, the `reports` read model, and the worker's pure builder.
 */
export * from './report.commands';
export { reportDecider, type ReportingErrorCode } from './report.decider';
export * from './report.events';
export {
  canTransition as canReportTransition,
  REPORT_TRANSITIONS,
  type ReportState,
  type ReportStatus,
} from './report.state';
export { REPORT_STREAM_CATEGORY, reportIdFromStreamName, reportStreamName } from './report.streams';
export { MAX_PERIOD_DAYS, MAX_REPORT_ROWS, parseDay } from './report.validation';
export {
  REPORT_READY_TOPIC,
  REPORT_TOPIC,
  REPORTS_COLLECTION,
  reportsProjection,
  type ReportView,
} from './reports.projection';
export { buildSalesReport, type CatalogEntry, salesFilterForPeriod } from './sales-report.builder';
export { SALES_COLLECTION, type SalesDayView, salesDayId, salesProjection } from './sales.projection';
export { reportingUpcasters } from './report.upcasters';
