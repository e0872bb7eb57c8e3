import { deciderSpec, NotFoundError, RuleViolatedError, ValidationError } from '@shop/event-sourcing';
import { completeSalesReport, failSalesReport, requestSalesReport } from './report.commands';
import { reportDecider } from './report.decider';
import { salesReportCompleted, salesReportFailed, salesReportRequested } from './report.events';
import { canTransition, REPORT_TRANSITIONS, type ReportStatus } from './report.state';

const reportId = '9a0e5d7c-1b2a-4c3d-8e4f-5a6b7c8d9e01';
const p1 = '6f1c1b0e-8a3d-4c55-9a51-0d6f3c2b1a01';
const meta = { now: new Date('2026-03-01T10:00:00.000Z') };
const period = { from: '2026-02-01', to: '2026-03-01' };
const rows = [{ productId: p1, sku: 'MUG', name: 'Mug', units: 3, revenueCents: 3000 }];
const totals = { units: 3, revenueCents: 3000 };

const requested = salesReportRequested({ reportId, ...period });
const completed = salesReportCompleted({ reportId, rows, totals });
const failed = salesReportFailed({ reportId, reason: 'sales view unavailable' });

const { given } = deciderSpec(reportDecider);

describe('report decider', () => {
  describe('RequestSalesReport', () => {
    const command = requestSalesReport({ reportId, ...period }, meta);
    it('requests a report', () => given([]).when(command).then([requested]));
    it('is a no-op for the same period', () => given([requested]).when(command).thenNothingHappened());
    it('refuses another period on the same id', () =>
      given([requested])
        .when(requestSalesReport({ reportId, from: '2026-01-01', to: '2026-02-01' }, meta))
        .thenThrows(RuleViolatedError, 'report_already_requested'));
    it.each([
      ['invalid_period', { from: '2026-03-01', to: '2026-03-01' }],
      ['invalid_period', { from: '2026-03-02', to: '2026-03-01' }],
      ['invalid_period', { from: '2026-02-30', to: '2026-03-01' }],
      ['invalid_period', { from: '2026-2-1', to: '2026-03-01' }],
      ['invalid_period', { from: '2026-02-01T00:00:00Z', to: '2026-03-01' }],
      ['period_too_long', { from: '2025-01-01', to: '2026-01-03' }],
    ])('rejects %s %j', (code, badPeriod) =>
      given([])
        .when(requestSalesReport({ reportId, ...badPeriod }, meta))
        .thenThrows(ValidationError, code),
    );
    it('accepts a leap year as one period', () =>
      given([])
        .when(requestSalesReport({ reportId, from: '2024-01-01', to: '2025-01-01' }, meta))
        .then([salesReportRequested({ reportId, from: '2024-01-01', to: '2025-01-01' })]));
    it('rejects a malformed id', () =>
      given([])
        .when(requestSalesReport({ reportId: 'r1', ...period }, meta))
        .thenThrows(ValidationError, 'invalid_report_id'));
  });

  describe('CompleteSalesReport', () => {
    const command = completeSalesReport({ reportId, rows, totals }, meta);
    it('completes a pending report', () => given([requested]).when(command).then([completed]));
    it('is a no-op once ready (the first result wins)', () =>
      given([requested, completed])
        .when(completeSalesReport({ reportId, rows: [], totals: { units: 0, revenueCents: 0 } }, meta))
        .thenNothingHappened());
    it('refuses a failed or unknown report', () => {
      given([requested, failed]).when(command).thenThrows(RuleViolatedError, 'illegal_transition');
      given([]).when(command).thenThrows(NotFoundError, 'report_not_found');
    });
    it('refuses totals that are not the sums of the rows, and malformed rows', () => {
      given([requested])
        .when(completeSalesReport({ reportId, rows, totals: { units: 4, revenueCents: 3000 } }, meta))
        .thenThrows(ValidationError, 'report_totals_mismatch');
      given([requested])
        .when(
          completeSalesReport(
            { reportId, rows: [...rows, ...rows], totals: { units: 6, revenueCents: 6000 } },
            meta,
          ),
        )
        .thenThrows(ValidationError, 'invalid_report_row');
    });
  });

  describe('FailSalesReport', () => {
    const command = failSalesReport({ reportId, reason: ' sales view unavailable ' }, meta);
    it('fails a pending report', () => given([requested]).when(command).then([failed]));
    it('is a no-op once failed', () => given([requested, failed]).when(command).thenNothingHappened());
    it('refuses a ready report and an empty reason', () => {
      given([requested, completed]).when(command).thenThrows(RuleViolatedError, 'illegal_transition');
      given([requested])
        .when(failSalesReport({ reportId, reason: '' }, meta))
        .thenThrows(ValidationError, 'invalid_reason');
    });
  });
});

describe('report state machine', () => {
  const all = Object.keys(REPORT_TRANSITIONS) as ReportStatus[];
  it.each(all.flatMap((from) => all.map((to) => [from, to] as const)))('%s -> %s', (from, to) => {
    expect(canTransition(from, to)).toBe(from === 'pending' && to !== 'pending');
  });
});
