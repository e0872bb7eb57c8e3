import { ValidationError } from '@shop/event-sourcing';
import { type ReportPeriod, type SalesReportRow, type SalesReportTotals } from './report.events';
import { isUuid } from './report.streams';

export const MAX_PERIOD_DAYS = 366;
export const MAX_REPORT_ROWS = 10_000;
export const MAX_FAILURE_REASON_LENGTH = 500;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Milliseconds of a `YYYY-MM-DD` UTC day, or undefined if it is not a real calendar date. */
export const parseDay = (day: string): number | undefined => {
  const match = DAY.exec(day);
  if (!match) return undefined;
  const time = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  // Date.UTC rolls 2026-02-30 over to March: a round trip catches impossible dates.
  return new Date(time).toISOString().slice(0, 10) === day ? time : undefined;
};

export const requireReportId = (reportId: string): void => {
  if (!isUuid(reportId)) {
    throw new ValidationError('invalid_report_id', 'reportId must be a lowercase UUID', { reportId });
  }
};

export const requirePeriod = ({ from, to }: ReportPeriod): void => {
  const start = parseDay(from);
  const end = parseDay(to);
  if (start === undefined || end === undefined) {
    throw new ValidationError('invalid_period', 'from and to must be UTC days (YYYY-MM-DD)', { from, to });
  }
  if (start >= end) {
    throw new ValidationError('invalid_period', 'from must be before to (to is excluded)', { from, to });
  }
  if ((end - start) / DAY_MS > MAX_PERIOD_DAYS) {
    throw new ValidationError('period_too_long', `a report covers at most ${MAX_PERIOD_DAYS} days`, {
      from,
      to,
      maxDays: MAX_PERIOD_DAYS,
    });
  }
};

export const requireResult = (rows: readonly SalesReportRow[], totals: SalesReportTotals): void => {
  if (rows.length > MAX_REPORT_ROWS) {
    throw new ValidationError('too_many_rows', `a report has at most ${MAX_REPORT_ROWS} rows`, {
      rows: rows.length,
    });
  }
  const seen = new Set<string>();
  for (const [index, row] of rows.entries()) {
    const valid =
      isUuid(row.productId) &&
      !seen.has(row.productId) &&
      Number.isSafeInteger(row.units) &&
      Number.isSafeInteger(row.revenueCents);
    if (!valid)
      throw new ValidationError('invalid_report_row', 'rows need distinct products and integers', { index });
    seen.add(row.productId);
  }
  const units = rows.reduce((sum, row) => sum + row.units, 0);
  const revenueCents = rows.reduce((sum, row) => sum + row.revenueCents, 0);
  if (units !== totals.units || revenueCents !== totals.revenueCents) {
    throw new ValidationError('report_totals_mismatch', 'totals must be the sums of the rows', {
      expected: { units, revenueCents },
      actual: totals,
    });
  }
};

export const normalizeReason = (reason: string): string => {
  const trimmed = reason.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_FAILURE_REASON_LENGTH) {
    throw new ValidationError(
      'invalid_reason',
      `reason must have 1-${MAX_FAILURE_REASON_LENGTH} characters`,
      {
        length: trimmed.length,
      },
    );
  }
  return trimmed;
};
