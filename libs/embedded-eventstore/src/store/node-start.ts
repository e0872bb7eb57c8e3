import { randomUUID } from 'node:crypto';
import type { EventStore } from './event-store';
import { metastreamOf } from './event-store';

export const EPOCH_STREAM = '$epoch-information';
export const SCAVENGES_STREAM = '$scavenges';
/** The real server's default ScavengeHistoryMaxAge: 30 days, in seconds as `$maxAge` is stored. */
const SCAVENGE_HISTORY_MAX_AGE = 30 * 24 * 60 * 60;

interface Epoch {
  epochPosition: number;
  epochNumber: number;
}

const json = (value: unknown) => ({
  id: randomUUID(),
  isJson: true,
  data: Buffer.from(JSON.stringify(value)),
  metadata: new Uint8Array(0),
});

const lastData = (store: EventStore, stream: string): unknown => {
  const state = store.stream(stream);
  const last = state?.events[state.events.length - 1];
  if (!last) return undefined;
  try {
    return JSON.parse(Buffer.from(last.data).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
};

/**
 * What a single insecure 24.10 node writes each time it becomes leader (every start), so `$all` on a fresh
 * node is never empty: a new epoch in `$epoch-information` (EpochManager), and, unless already set, the
 * `$scavenges` history metadata (`$maxAge` 30 days, readable by `$ops`; TFChunkScavengerLogManager). An
 * insecure node authenticates no one, so it writes no users streams (secure mode adds those).
 */
export const writeNodeStartEvents = async (store: EventStore, leaderInstanceId: string): Promise<void> => {
  const previous = lastData(store, EPOCH_STREAM) as Partial<Epoch> | undefined;
  const epochs = store.stream(EPOCH_STREAM);
  const epochNumber = typeof previous?.epochNumber === 'number' ? previous.epochNumber + 1 : 0;
  const epoch = {
    epochPosition: store.all[store.durableCount - 1]?.position ?? 0,
    epochNumber,
    epochId: randomUUID(),
    prevEpochPosition: typeof previous?.epochPosition === 'number' ? previous.epochPosition : -1,
    timeStamp: new Date().toISOString(),
    leaderInstanceId,
  };
  await store.append(
    EPOCH_STREAM,
    epochs ? { kind: 'exact', revision: epochs.lastRevision } : { kind: 'no_stream' },
    [{ ...json(epoch), type: '$epoch-information' }],
  );

  const meta = store.metadataOf(SCAVENGES_STREAM).raw;
  const acl = meta['$acl'] as Record<string, unknown> | undefined;
  const readers = acl?.['$r'];
  const opsCanRead = readers === '$ops' || (Array.isArray(readers) && readers.includes('$ops'));
  if (meta['$maxAge'] === SCAVENGE_HISTORY_MAX_AGE && opsCanRead) return;
  await store.append(metastreamOf(SCAVENGES_STREAM), { kind: 'any' }, [
    {
      ...json({
        $maxAge: SCAVENGE_HISTORY_MAX_AGE,
        $acl: { $r: '$ops', $w: [], $d: [], $mr: [], $mw: [] },
      }),
      type: '$metadata',
    },
  ]);
};
