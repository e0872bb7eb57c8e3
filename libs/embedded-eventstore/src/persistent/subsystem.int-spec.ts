import {
  END,
  PersistentSubscriptionDoesNotExistError,
  START,
  jsonEvent,
  persistentSubscriptionToAllSettingsFromDefaults,
  persistentSubscriptionToStreamSettingsFromDefaults,
} from '@eventstore/db-client';
import type {
  PersistentSubscriptionToAllResolvedEvent,
  PersistentSubscriptionToStreamResolvedEvent,
} from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import type { Harness } from '../testing/harness';
import { startHarness, waitFor } from '../testing/harness';

describe('persistent subscriptions subsystem (List, RestartSubsystem, unfiltered $all)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.dispose());

  it('List for a stream or $all that never had a group answers NOT_FOUND, like a real node', async () => {
    const s = `ps-${randomUUID()}`;
    await expect(h.client.listPersistentSubscriptionsToStream(s)).rejects.toBeInstanceOf(
      PersistentSubscriptionDoesNotExistError,
    );
    await expect(h.client.listPersistentSubscriptionsToAll()).rejects.toBeInstanceOf(
      PersistentSubscriptionDoesNotExistError,
    );
    expect(await h.client.listAllPersistentSubscriptions()).toEqual([]);
    await h.client.createPersistentSubscriptionToStream(
      s,
      'g',
      persistentSubscriptionToStreamSettingsFromDefaults(),
    );
    expect((await h.client.listPersistentSubscriptionsToStream(s)).map((i) => i.groupName)).toEqual(['g']);
    // Once a source had a group, the real server keeps its (now empty) list until the subsystem restarts.
    await h.client.deletePersistentSubscriptionToStream(s, 'g');
    expect(await h.client.listPersistentSubscriptionsToStream(s)).toEqual([]);
    await h.client.restartPersistentSubscriptionSubsystem();
    await expect(h.client.listPersistentSubscriptionsToStream(s)).rejects.toBeInstanceOf(
      PersistentSubscriptionDoesNotExistError,
    );
  });

  it('RestartSubsystem (over gRPC) drops consumers and redelivers what was not acknowledged', async () => {
    const s = `ps-${randomUUID()}`;
    await h.client.appendToStream(s, [
      jsonEvent({ type: 'A', data: {} }),
      jsonEvent({ type: 'B', data: {} }),
    ]);
    await h.client.createPersistentSubscriptionToStream(
      s,
      'g',
      persistentSubscriptionToStreamSettingsFromDefaults({ startFrom: START, checkPointLowerBound: 1 }),
    );
    const first = h.client.subscribeToPersistentSubscriptionToStream(s, 'g');
    const seen: string[] = [];
    let dropped: unknown = null;
    first.on('error', (error) => (dropped = error));
    first.on('data', (e: PersistentSubscriptionToStreamResolvedEvent) => {
      seen.push(e.event!.type);
      if (e.event!.type === 'A') void first.ack(e);
    });
    await waitFor(() => seen.length === 2);
    await waitFor(async () => {
      const info = await h.client.getPersistentSubscriptionToStreamInfo(s, 'g');
      return info.stats.lastCheckpointedEventRevision === 0n;
    });
    await h.client.restartPersistentSubscriptionSubsystem();
    await waitFor(() => dropped !== null);

    const again = h.client.subscribeToPersistentSubscriptionToStream(s, 'g');
    const redelivered: string[] = [];
    again.on('data', (e: PersistentSubscriptionToStreamResolvedEvent) => {
      redelivered.push(e.event!.type);
      void again.ack(e);
    });
    await waitFor(() => redelivered.length === 1);
    expect(redelivered).toEqual(['B']);
    await again.unsubscribe();
  });

  it('an unfiltered $all group sees system events, first of all its own config event when from the end', async () => {
    await h.client.setStreamMetadata(`meta-${randomUUID()}`, { maxCount: 5 });
    await h.client.createPersistentSubscriptionToAll(
      'from-start',
      persistentSubscriptionToAllSettingsFromDefaults({ startFrom: START }),
    );
    await h.client.createPersistentSubscriptionToAll(
      'from-end',
      persistentSubscriptionToAllSettingsFromDefaults({ startFrom: END }),
    );
    const collect = (group: string) => {
      const sub = h.client.subscribeToPersistentSubscriptionToAll(group);
      const seen: { stream: string; type: string }[] = [];
      sub.on('data', (e: PersistentSubscriptionToAllResolvedEvent) => {
        seen.push({ stream: e.event!.streamId, type: e.event!.type });
        void sub.ack(e);
      });
      return { sub, seen };
    };
    const fromStart = collect('from-start');
    const fromEnd = collect('from-end');
    await h.client.appendToStream(`user-${randomUUID()}`, jsonEvent({ type: 'UserEvent', data: {} }));
    await waitFor(() => fromEnd.seen.some((e) => e.type === 'UserEvent'));
    await waitFor(() => fromStart.seen.some((e) => e.type === 'UserEvent'));
    expect(fromEnd.seen.map((e) => e.type)).toEqual(['$PersistentConfig', 'UserEvent']);
    expect(fromStart.seen).toEqual(
      expect.arrayContaining([
        { stream: expect.stringMatching(/^\$\$meta-/), type: '$metadata' },
        { stream: '$persistentSubscriptionConfig', type: '$PersistentConfig' },
      ]),
    );
    // Checkpoints and parked messages of $all groups are never delivered to $all groups.
    const own = [...fromStart.seen, ...fromEnd.seen].filter((e) =>
      e.stream.startsWith('$persistentsubscription-$all'),
    );
    expect(own).toEqual([]);
    await Promise.all([fromStart.sub.unsubscribe(), fromEnd.sub.unsubscribe()]);
  });
});
