import type { CreateReq, UpdateReq } from '@eventstore/db-client/generated/persistent_pb';
import { persistentPb } from '../protocol/generated';
import { invalidArgument } from '../protocol/rpc-errors';

/** Where a group reads from: one stream, or $all with an optional server-side filter. */
export type GroupSource = { kind: 'stream'; stream: string } | { kind: 'all' };

export interface FilterSpec {
  on: 'stream' | 'type';
  regex?: string;
  prefixes?: string[];
}

/** Persisted definition of a group; JSON-serialisable (it lives in the config system stream). */
export interface GroupConfig {
  source: GroupSource;
  group: string;
  /** As requested, for GetInfo: 'start', 'end', or a revision/position. */
  startFrom: 'start' | 'end' | number;
  /** Resolved at creation: first revision (stream) or position (all) to deliver. */
  startKey: number;
  filter?: FilterSpec;
  resolveLinks: boolean;
  extraStatistics: boolean;
  messageTimeoutMs: number;
  maxRetryCount: number;
  minCheckpointCount: number;
  maxCheckpointCount: number;
  checkpointAfterMs: number;
  maxSubscriberCount: number;
  liveBufferSize: number;
  readBatchSize: number;
  historyBufferSize: number;
  consumerStrategy: 'RoundRobin' | 'DispatchToSingle' | 'Pinned' | 'PinnedByCorrelation';
}

export const sourceName = (source: GroupSource): string => (source.kind === 'all' ? '$all' : source.stream);
export const groupKey = (source: GroupSource, group: string): string => `${sourceName(source)}::${group}`;

type Settings = CreateReq.Settings | UpdateReq.Settings;

const strategyOf = (settings: Settings): GroupConfig['consumerStrategy'] => {
  const named = 'getConsumerStrategy' in settings ? settings.getConsumerStrategy() : '';
  if (
    named === 'RoundRobin' ||
    named === 'DispatchToSingle' ||
    named === 'Pinned' ||
    named === 'PinnedByCorrelation'
  )
    return named;
  if (named) throw invalidArgument(`Unknown consumer strategy '${named}'.`);
  // Create and Update declare the same enum twice; look it up by its wire number.
  const byNumber: Record<number, GroupConfig['consumerStrategy']> = {
    [persistentPb.CreateReq.ConsumerStrategy.DISPATCHTOSINGLE]: 'DispatchToSingle',
    [persistentPb.CreateReq.ConsumerStrategy.PINNED]: 'Pinned',
  };
  return byNumber[Number(settings.getNamedConsumerStrategy())] ?? 'RoundRobin';
};

const ticksToMs = (ticks: string): number => Number(ticks) / 10_000;

export const settingsOf = (
  settings: Settings | undefined,
): Omit<GroupConfig, 'source' | 'group' | 'startFrom' | 'startKey' | 'filter'> => {
  if (!settings) throw invalidArgument('Persistent subscription settings are required.');
  const positive = (value: number, fallback: number): number => (value > 0 ? value : fallback);
  return {
    resolveLinks: settings.getResolveLinks(),
    extraStatistics: settings.getExtraStatistics(),
    messageTimeoutMs: positive(
      settings.hasMessageTimeoutMs()
        ? settings.getMessageTimeoutMs()
        : ticksToMs(settings.getMessageTimeoutTicks()),
      30_000,
    ),
    maxRetryCount: Math.max(0, settings.getMaxRetryCount()),
    minCheckpointCount: positive(settings.getMinCheckpointCount(), 10),
    maxCheckpointCount: positive(settings.getMaxCheckpointCount(), 1000),
    checkpointAfterMs: positive(
      settings.hasCheckpointAfterMs()
        ? settings.getCheckpointAfterMs()
        : ticksToMs(settings.getCheckpointAfterTicks()),
      2_000,
    ),
    maxSubscriberCount: Math.max(0, settings.getMaxSubscriberCount()),
    liveBufferSize: positive(settings.getLiveBufferSize(), 500),
    readBatchSize: positive(settings.getReadBatchSize(), 20),
    historyBufferSize: positive(settings.getHistoryBufferSize(), 500),
    consumerStrategy: strategyOf(settings),
  };
};

const MAX_UINT64 = '18446744073709551615';

/** Stream start: 6.2.1 sends it in the deprecated settings.revision; newer clients in stream options. */
export const streamStartOf = (
  streamOptions: CreateReq.StreamOptions | UpdateReq.StreamOptions | undefined,
  settings: Settings | undefined,
): GroupConfig['startFrom'] => {
  if (streamOptions) {
    if (streamOptions.hasStart()) return 'start';
    if (streamOptions.hasEnd()) return 'end';
    if (streamOptions.hasRevision()) return Number(streamOptions.getRevision());
  }
  const revision = settings?.getRevision() ?? '0';
  if (revision === MAX_UINT64 || revision === '-1') return 'end';
  return revision === '0' || revision === '' ? 'start' : Number(revision);
};

export const allStartOf = (
  options: CreateReq.AllOptions | UpdateReq.AllOptions | undefined,
): GroupConfig['startFrom'] => {
  if (!options || options.hasStart()) return 'start';
  if (options.hasEnd()) return 'end';
  return Number(options.getPosition()?.getCommitPosition() ?? 0);
};

export const filterOf = (options: CreateReq.AllOptions | undefined): FilterSpec | undefined => {
  const filter = options?.hasFilter() ? options.getFilter() : undefined;
  if (!filter) return undefined;
  const onStream = filter.hasStreamIdentifier();
  const expression = onStream ? filter.getStreamIdentifier() : filter.getEventType();
  if (!expression) throw invalidArgument('Filter must be on stream_identifier or event_type.');
  const regex = expression.getRegex();
  const prefixes = expression.getPrefixList();
  if (regex) {
    try {
      new RegExp(regex);
    } catch {
      throw invalidArgument(`Invalid filter regex '${regex}'.`);
    }
  }
  return {
    on: onStream ? 'stream' : 'type',
    ...(regex ? { regex } : {}),
    ...(prefixes.length ? { prefixes } : {}),
  };
};
