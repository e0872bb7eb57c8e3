import { ValidationError } from '@shop/event-sourcing';

export const REPORT_STREAM_CATEGORY = 'report';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** `report-<uuid>`; throws ValidationError('invalid_report_id') so raw input never becomes a stream name. */
export const reportStreamName = (reportId: string): string => {
  if (!isUuid(reportId)) {
    throw new ValidationError('invalid_report_id', 'reportId must be a lowercase UUID', { reportId });
  }
  return `${REPORT_STREAM_CATEGORY}-${reportId}`;
};

export const reportIdFromStreamName = (streamName: string): string | undefined => {
  const prefix = `${REPORT_STREAM_CATEGORY}-`;
  if (!streamName.startsWith(prefix)) return undefined;
  const id = streamName.slice(prefix.length);
  return isUuid(id) ? id : undefined;
};
