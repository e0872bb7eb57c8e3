export type ExpectedRevision =
  { kind: 'any' } | { kind: 'no_stream' } | { kind: 'stream_exists' } | { kind: 'exact'; revision: number };

export type WriteResult =
  | { kind: 'success'; /** -1 = the stream has no events */ revision: number; position: number | null }
  | { kind: 'wrong_expected_version'; /** -1 = no stream */ current: number }
  | { kind: 'stream_deleted' };
