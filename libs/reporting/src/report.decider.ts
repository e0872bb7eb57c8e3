import { type Decider, NotFoundError, RuleViolatedError } from '@shop/event-sourcing';
import { type ReportCommand } from './report.commands';
import {
  type ReportEvent,
  salesReportCompleted,
  salesReportFailed,
  salesReportRequested,
} from './report.events';
import {
  canTransition,
  evolveReport,
  initialReportState,
  type ReportState,
  type ReportStatus,
} from './report.state';
import { normalizeReason, requirePeriod, requireReportId, requireResult } from './report.validation';

/** Every `code` the report decider can throw (part of the API contract). */
export type ReportingErrorCode =
  | 'invalid_report_id'
  | 'invalid_period'
  | 'period_too_long'
  | 'too_many_rows'
  | 'invalid_report_row'
  | 'report_totals_mismatch'
  | 'invalid_reason'
  | 'report_not_found'
  | 'report_already_requested'
  | 'illegal_transition';

const finish = (state: ReportState, reportId: string, to: ReportStatus): boolean => {
  if (state.status === 'none') {
    throw new NotFoundError('report_not_found', `Report ${reportId} does not exist`, { reportId });
  }
  // The first outcome wins: a worker re-running after a crash may compute the same report again.
  if (state.status === to) return false;
  if (!canTransition(state.status, to)) {
    throw new RuleViolatedError('illegal_transition', `A ${state.status} report cannot become ${to}`, {
      reportId,
      from: state.status,
      to,
    });
  }
  return true;
};

/** The report aggregate (stream `report-<uuid>`): pending -> ready | failed. */
export const reportDecider: Decider<ReportState, ReportCommand, ReportEvent> = {
  initialState: initialReportState,
  evolve: evolveReport,
  decide: (command, state) => {
    const { reportId } = command.data;
    requireReportId(reportId);
    switch (command.type) {
      case 'RequestSalesReport': {
        const { from, to } = command.data;
        requirePeriod({ from, to });
        if (state.status === 'none') return [salesReportRequested({ reportId, from, to })];
        if (state.period.from === from && state.period.to === to) return [];
        throw new RuleViolatedError('report_already_requested', `Report ${reportId} covers another period`, {
          reportId,
          ...state.period,
        });
      }
      case 'CompleteSalesReport': {
        const { rows, totals } = command.data;
        requireResult(rows, totals);
        return finish(state, reportId, 'ready') ? [salesReportCompleted({ reportId, rows, totals })] : [];
      }
      case 'FailSalesReport': {
        const reason = normalizeReason(command.data.reason);
        return finish(state, reportId, 'failed') ? [salesReportFailed({ reportId, reason })] : [];
      }
    }
  },
};
