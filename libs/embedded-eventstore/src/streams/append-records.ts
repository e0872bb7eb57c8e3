import { status } from '@grpc/grpc-js';
import { invalidArgument } from '../protocol/rpc-errors';
import { unary } from '../protocol/unary';
import { STREAM_STATE } from '../store/consistency-check';
import type { EventStore } from '../store/event-store';
import type { ProposedEvent } from '../storage/stored-event';
import type { AppendRecordLike } from './v2-protocol';
import { recordOf, v2, v2Errors, withDetails } from './v2-protocol';
import type { WriteSettings } from './write-settings';

interface AppendRecordsRequestLike {
  getRecordsList(): AppendRecordLike[];
  getChecksList(): {
    hasStreamState(): boolean;
    getStreamState(): { getStream(): string; getExpectedState(): string } | undefined;
  }[];
}

const STATES = new Set<number>(Object.values(STREAM_STATE));

const checkOf = (text: string): number => {
  const expected = Number(text);
  if (!Number.isSafeInteger(expected) || (expected < 0 && !STATES.has(expected))) {
    throw invalidArgument(`Invalid expected state ${text}.`);
  }
  return expected;
};

const violationsError = (
  checks: readonly { stream: string; expected: number }[],
  violations: readonly { index: number; actual: number }[],
) => {
  const details = new v2Errors.AppendConsistencyViolationErrorDetails();
  for (const { index, actual } of violations) {
    const state = new v2Errors.ConsistencyViolation.StreamStateViolation();
    state.setStream(checks[index]!.stream);
    state.setExpectedState(String(checks[index]!.expected));
    state.setActualState(String(actual));
    const violation = new v2Errors.ConsistencyViolation();
    violation.setCheckIndex(index);
    violation.setStreamState(state);
    details.addViolations(violation);
  }
  return withDetails(
    status.FAILED_PRECONDITION,
    `${violations.length} consistency check(s) failed; nothing was written.`,
    'kurrentdb.protocol.v2.streams.errors.AppendConsistencyViolationErrorDetails',
    details,
  );
};

/**
 * kurrentdb.protocol.v2 StreamsService.AppendRecords (the newer client's `appendRecords`): records for any
 * streams, in any order, written atomically in request order, after consistency checks that may name
 * streams the request does not write. A stream written without a check is checked as `any` (it must not be
 * tombstoned). Every failing check is reported at once; nothing is written then.
 */
export const appendRecordsHandler = (store: EventStore, settings: WriteSettings) =>
  unary(async (request: AppendRecordsRequestLike) => {
    const records: { stream: string; event: ProposedEvent }[] = request.getRecordsList().map((record) => {
      const stream = record.getStream();
      if (!stream) throw invalidArgument('Every record needs its stream.');
      return { stream, event: recordOf(record, true) };
    });
    if (records.length === 0)
      throw invalidArgument('Append records request must contain at least one record.');
    const checks: { stream: string; expected: number }[] = [];
    const checked = new Set<string>();
    for (const check of request.getChecksList()) {
      const state = check.hasStreamState() ? check.getStreamState() : undefined;
      if (!state) throw invalidArgument('Only stream state checks are supported.');
      const stream = state.getStream();
      if (!stream) throw invalidArgument('A consistency check needs its stream.');
      if (checked.has(stream))
        throw invalidArgument('Each stream can only appear once in consistency checks.');
      checked.add(stream);
      checks.push({ stream, expected: checkOf(state.getExpectedState()) });
    }
    for (const { stream } of records) {
      if (checked.has(stream)) continue;
      checked.add(stream);
      checks.push({ stream, expected: STREAM_STATE.any });
    }
    const size = records.reduce((total, { event }) => total + event.data.length, 0);
    if (size > settings.maxAppendSize) {
      const details = new v2Errors.AppendTransactionSizeExceededErrorDetails();
      details.setSize(size);
      details.setMaxSize(settings.maxAppendSize);
      throw withDetails(
        status.ABORTED,
        `Maximum Append Size of ${settings.maxAppendSize} Exceeded.`,
        'kurrentdb.protocol.v2.streams.errors.AppendTransactionSizeExceededErrorDetails',
        details,
      );
    }
    const outcome = await store.appendRecords(records, checks);
    if (outcome.kind === 'failed') throw violationsError(checks, outcome.violations);
    const resp = new v2.AppendRecordsResponse();
    for (const [stream, revision] of outcome.revisions) {
      const written = new v2.StreamRevision();
      written.setStream(stream);
      written.setRevision(String(revision));
      resp.addRevisions(written);
    }
    resp.setPosition(String(outcome.position));
    return resp;
  });
