import { type ReportEvent, type ReportPeriod } from './report.events';

export type ReportStatus = 'pending' | 'ready' | 'failed';

export const REPORT_TRANSITIONS: Readonly<Record<ReportStatus, readonly ReportStatus[]>> = {
  pending: ['ready', 'failed'],
  ready: [],
  failed: [],
};

export const canTransition = (from: ReportStatus, to: ReportStatus): boolean =>
  REPORT_TRANSITIONS[from].includes(to);

/** The decider needs no rows: they live in the event and the read model only. */
export type ReportState =
  | { readonly status: 'none' }
  | { readonly status: ReportStatus; readonly reportId: string; readonly period: ReportPeriod };

export const initialReportState = (): ReportState => ({ status: 'none' });

export const evolveReport = (state: ReportState, event: ReportEvent): ReportState => {
  switch (event.type) {
    case 'SalesReportRequested': {
      const { reportId, from, to } = event.data;
      return { status: 'pending', reportId, period: { from, to } };
    }
    case 'SalesReportCompleted':
      return state.status === 'none' ? state : { ...state, status: 'ready' };
    case 'SalesReportFailed':
      return state.status === 'none' ? state : { ...state, status: 'failed' };
  }
};
