import type { ExpectedRevision } from '../store/expected-revision';
import { invalidArgument } from '../protocol/rpc-errors';

/** The oneof shape shared by Append/Delete/Tombstone options (BatchAppend calls the exact case "stream position"). */
interface ExpectedOneof {
  hasAny(): boolean;
  hasNoStream(): boolean;
  hasStreamExists(): boolean;
}

export const expectedRevisionOf = (options: ExpectedOneof, exact: string | undefined): ExpectedRevision => {
  if (options.hasAny()) return { kind: 'any' };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  if (exact === undefined) throw invalidArgument('Expected stream revision not set.');
  const revision = Number(exact);
  if (!Number.isSafeInteger(revision) || revision < 0)
    throw invalidArgument(`Invalid expected revision ${exact}.`);
  return { kind: 'exact', revision };
};
