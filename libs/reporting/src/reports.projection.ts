import {
  type ProjectionDefinition,
  type StoredEvent,
  upsertById,
  type ViewChange,
} from '@shop/event-sourcing';
import {
  REPORT_EVENT_TYPES,
  type ReportEvent,
  type ReportPeriod,
  type SalesReportRow,
  type SalesReportTotals,
} from './report.events';
import { type ReportStatus } from './report.state';

export const REPORTS_COLLECTION = 'reports';

/** A document of the `reports` read model (`GET /reports/:id`). */
export interface ReportView {
  readonly _id: string;
  readonly status: ReportStatus;
  readonly period: ReportPeriod;
  readonly requestedAt: Date;
  readonly updatedAt: Date;
  /** When it became ready or failed. */
  readonly completedAt?: Date;
  /** Present when ready. */
  readonly rows?: readonly SalesReportRow[];
  readonly totals?: SalesReportTotals;
  /** Present when failed. */
  readonly failureReason?: string;
}

const at = (stored: StoredEvent) => new Date(stored.metadata.occurredAt);

/** Live topics (libs/live): any change of a report, and its completion either way (reportReady). */
export const REPORT_TOPIC = 'report';
export const REPORT_READY_TOPIC = 'report-ready';

const changes = ({ event }: StoredEvent<ReportEvent>): readonly ViewChange[] => {
  const id = event.data.reportId;
  return event.type === 'SalesReportRequested'
    ? [{ topic: REPORT_TOPIC, id }]
    : [
        { topic: REPORT_TOPIC, id },
        { topic: REPORT_READY_TOPIC, id },
      ];
};

export const reportsProjection: ProjectionDefinition<ReportEvent> = {
  name: 'reports',
  version: 1,
  eventTypes: REPORT_EVENT_TYPES,
  collections: {
    [REPORTS_COLLECTION]: { indexes: [{ key: { status: 1, requestedAt: 1 }, name: 'status_requested' }] },
  },
  handle: (stored) => {
    const { event } = stored;
    const id = event.data.reportId;
    switch (event.type) {
      case 'SalesReportRequested':
        return [
          upsertById(REPORTS_COLLECTION, id, {
            $set: {
              status: 'pending',
              period: { from: event.data.from, to: event.data.to },
              requestedAt: at(stored),
              updatedAt: at(stored),
            },
          }),
        ];
      case 'SalesReportCompleted':
        return [
          upsertById(REPORTS_COLLECTION, id, {
            $set: {
              status: 'ready',
              rows: event.data.rows,
              totals: event.data.totals,
              completedAt: at(stored),
              updatedAt: at(stored),
            },
          }),
        ];
      case 'SalesReportFailed':
        return [
          upsertById(REPORTS_COLLECTION, id, {
            $set: {
              status: 'failed',
              failureReason: event.data.reason,
              completedAt: at(stored),
              updatedAt: at(stored),
            },
          }),
        ];
    }
  },
  changes,
};
