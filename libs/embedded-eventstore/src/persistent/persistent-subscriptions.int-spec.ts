import {
  END,
  PersistentSubscriptionDoesNotExistError,
  PersistentSubscriptionExistsError,
  START,
  jsonEvent,
  persistentSubscriptionToAllSettingsFromDefaults,
  persistentSubscriptionToStreamSettingsFromDefaults,
  streamNameFilter,
} from '@eventstore/db-client';
import type { PersistentSubscriptionToStreamResolvedEvent } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { Harness } from '../testing/harness';
import { startHarness, tempDir, waitFor } from '../testing/harness';

const events = (n: number, prefix = 'E') =>
  Array.from({ length: n }, (_, i) => jsonEvent({ type: `${prefix}${i}`, data: { i } }));
const settings = (overrides: Parameters<typeof persistentSubscriptionToStreamSettingsFromDefaults>[0] = {}) =>
  persistentSubscriptionToStreamSettingsFromDefaults({ startFrom: START, ...overrides });

describe('persistent subscriptions', () => {
  let h: Harness;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await tempDir();
    h = await startHarness({ dataDir });
  });
  afterAll(async () => {
    await h.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });
  const stream = () => `ps-${randomUUID()}`;

  it('create, duplicate create, update, info, list and delete', async () => {
    const s = stream();
    await h.client.createPersistentSubscriptionToStream(s, 'g1', settings({ maxRetryCount: 3 }));
    await expect(h.client.createPersistentSubscriptionToStream(s, 'g1', settings())).rejects.toBeInstanceOf(
      PersistentSubscriptionExistsError,
    );
    await h.client.updatePersistentSubscriptionToStream(s, 'g1', settings({ maxRetryCount: 7 }));
    const info = await h.client.getPersistentSubscriptionToStreamInfo(s, 'g1');
    expect(info).toMatchObject({
      eventSource: s,
      groupName: 'g1',
      settings: { maxRetryCount: 7, startFrom: START },
    });
    const listed = await h.client.listPersistentSubscriptionsToStream(s);
    expect(listed.map((i) => i.groupName)).toEqual(['g1']);
    expect((await h.client.listAllPersistentSubscriptions()).some((i) => i.eventSource === s)).toBe(true);
    await h.client.deletePersistentSubscriptionToStream(s, 'g1');
    await expect(h.client.getPersistentSubscriptionToStreamInfo(s, 'g1')).rejects.toBeInstanceOf(
      PersistentSubscriptionDoesNotExistError,
    );
    await expect(h.client.deletePersistentSubscriptionToStream(s, 'g1')).rejects.toBeInstanceOf(
      PersistentSubscriptionDoesNotExistError,
    );
  });

  it('delivers history and live events; acked events are not redelivered', async () => {
    const s = stream();
    await h.client.appendToStream(s, events(3));
    await h.client.createPersistentSubscriptionToStream(s, 'workers', settings());
    const sub = h.client.subscribeToPersistentSubscriptionToStream(s, 'workers');
    const seen: string[] = [];
    sub.on('data', (e: PersistentSubscriptionToStreamResolvedEvent) => {
      seen.push(e.event!.type);
      void sub.ack(e);
    });
    await waitFor(() => seen.length === 3);
    await h.client.appendToStream(s, events(2, 'Live'));
    await waitFor(() => seen.length === 5);
    expect(seen).toEqual(['E0', 'E1', 'E2', 'Live0', 'Live1']);
    await sub.unsubscribe();
  });

  it('retries on nack(retry) with an increasing retry count, then parks; parked events can be replayed', async () => {
    const s = stream();
    await h.client.appendToStream(s, events(1, 'Poison'));
    await h.client.createPersistentSubscriptionToStream(s, 'g', settings({ maxRetryCount: 2 }));
    const sub = h.client.subscribeToPersistentSubscriptionToStream(s, 'g');
    const retryCounts: number[] = [];
    let replaying = false;
    const replayed: string[] = [];
    sub.on('data', (e: PersistentSubscriptionToStreamResolvedEvent) => {
      if (replaying) {
        replayed.push(e.event!.type);
        void sub.ack(e);
        return;
      }
      retryCounts.push(e.retryCount);
      void sub.nack('retry', 'not yet', e);
    });
    await waitFor(
      async () =>
        (await h.client.getPersistentSubscriptionToStreamInfo(s, 'g')).stats.parkedMessageCount === 1n,
    );
    expect(retryCounts).toEqual([0, 1, 2]);
    replaying = true;
    await h.client.replayParkedMessagesToStream(s, 'g');
    await waitFor(() => replayed.length === 1);
    expect(replayed).toEqual(['Poison0']);
    await waitFor(
      async () =>
        (await h.client.getPersistentSubscriptionToStreamInfo(s, 'g')).stats.parkedMessageCount === 0n,
    );
    await sub.unsubscribe();
  });

  it('nack(park) parks at once and nack(skip) drops the event', async () => {
    const s = stream();
    await h.client.appendToStream(s, events(2));
    await h.client.createPersistentSubscriptionToStream(s, 'g', settings());
    const sub = h.client.subscribeToPersistentSubscriptionToStream(s, 'g');
    sub.on('data', (e: PersistentSubscriptionToStreamResolvedEvent) => {
      void sub.nack(e.event!.type === 'E0' ? 'park' : 'skip', 'test', e);
    });
    await waitFor(
      async () =>
        (await h.client.getPersistentSubscriptionToStreamInfo(s, 'g')).stats.parkedMessageCount === 1n,
    );
    await waitFor(
      async () =>
        (await h.client.getPersistentSubscriptionToStreamInfo(s, 'g')).stats.totalInFlightMessages === 0,
    );
    await sub.unsubscribe();
  });

  it('redelivers unacknowledged events after a message timeout', async () => {
    const s = stream();
    await h.client.appendToStream(s, events(1));
    await h.client.createPersistentSubscriptionToStream(
      s,
      'g',
      settings({ messageTimeout: 200, maxRetryCount: 5 }),
    );
    const sub = h.client.subscribeToPersistentSubscriptionToStream(s, 'g');
    const retryCounts: number[] = [];
    sub.on('data', (e: PersistentSubscriptionToStreamResolvedEvent) => {
      retryCounts.push(e.retryCount);
      if (e.retryCount === 1) void sub.ack(e);
    });
    await waitFor(() => retryCounts.length === 2);
    expect(retryCounts).toEqual([0, 1]);
    await sub.unsubscribe();
  });

  it('shares events between consumers of one group and hands over unacked ones when a consumer leaves', async () => {
    const s = stream();
    await h.client.createPersistentSubscriptionToStream(s, 'g', settings());
    const quitter = h.client.subscribeToPersistentSubscriptionToStream(s, 'g', { bufferSize: 2 });
    const got: string[] = [];
    const stayer = h.client.subscribeToPersistentSubscriptionToStream(s, 'g');
    stayer.on('data', (e: PersistentSubscriptionToStreamResolvedEvent) => {
      got.push(e.event!.type);
      void stayer.ack(e);
    });
    let quitterGot = 0;
    quitter.on('data', () => quitterGot++);
    await waitFor(
      async () => (await h.client.getPersistentSubscriptionToStreamInfo(s, 'g')).connections.length === 2,
    );
    await h.client.appendToStream(s, events(10));
    await waitFor(() => quitterGot > 0 && got.length + quitterGot === 10);
    await quitter.unsubscribe();
    await waitFor(() => got.length === 10);
    expect([...got].sort()).toEqual(
      events(10)
        .map((e) => e.type)
        .sort(),
    );
    await stayer.unsubscribe();
  });

  it('to $all with a filter, from END', async () => {
    const prefix = `psall${randomUUID().slice(0, 6)}-`;
    await h.client.appendToStream(`${prefix}old`, events(1));
    await h.client.createPersistentSubscriptionToAll(
      'all-g',
      persistentSubscriptionToAllSettingsFromDefaults({ startFrom: END }),
      { filter: streamNameFilter({ prefixes: [prefix] }) },
    );
    const sub = h.client.subscribeToPersistentSubscriptionToAll('all-g');
    const got: string[] = [];
    sub.on('data', (e) => {
      got.push(e.event!.streamId);
      void sub.ack(e);
    });
    await h.client.appendToStream(`other-${randomUUID()}`, events(1));
    await h.client.appendToStream(`${prefix}new`, events(2));
    await waitFor(() => got.length === 2);
    expect(got).toEqual([`${prefix}new`, `${prefix}new`]);
    const info = await h.client.getPersistentSubscriptionToAllInfo('all-g');
    expect(info.eventSource).toBe('$all');
    await sub.unsubscribe();
    await h.client.deletePersistentSubscriptionToAll('all-g');
  });
});

describe('persistent subscriptions across restarts', () => {
  it('keeps groups and resumes after the last checkpoint', async () => {
    const dataDir = await tempDir();
    try {
      const s = `ps-${randomUUID()}`;
      let h = await startHarness({ dataDir });
      await h.client.appendToStream(s, events(5));
      await h.client.createPersistentSubscriptionToStream(
        s,
        'durable',
        settings({ checkPointLowerBound: 1 }),
      );
      const sub = h.client.subscribeToPersistentSubscriptionToStream(s, 'durable');
      let acked = 0;
      sub.on('data', (e: PersistentSubscriptionToStreamResolvedEvent) => {
        if (e.event!.revision < 3n) void sub.ack(e).then(() => acked++);
      });
      await waitFor(() => acked === 3);
      await waitFor(async () => {
        const info = await h.client.getPersistentSubscriptionToStreamInfo(s, 'durable');
        return info.stats.lastCheckpointedEventRevision === 2n;
      });
      await sub.unsubscribe();
      await h.dispose();

      h = await startHarness({ dataDir });
      try {
        const again = h.client.subscribeToPersistentSubscriptionToStream(s, 'durable');
        const revisions: bigint[] = [];
        again.on('data', (e: PersistentSubscriptionToStreamResolvedEvent) => {
          revisions.push(e.event!.revision);
          void again.ack(e);
        });
        await waitFor(() => revisions.length === 2);
        expect(revisions).toEqual([3n, 4n]);
        await again.unsubscribe();
      } finally {
        await h.dispose();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
