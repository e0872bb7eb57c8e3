import { credentials } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { jsonEvent } from '@eventstore/db-client';
import type { PersistentSubscriptionToStreamResolvedEvent } from '@eventstore/db-client';
import { PersistentSubscriptionsClient } from '@eventstore/db-client/generated/persistent_grpc_pb';
import { CreateReq } from '@eventstore/db-client/generated/persistent_pb';
import { Empty, StreamIdentifier } from '@eventstore/db-client/generated/shared_pb';
import { randomUUID } from 'node:crypto';
import { startHarness, waitFor } from '../testing/harness';

/** Client 6.2.1 cannot name PinnedByCorrelation; newer clients send it in `consumer_strategy`. */
const createPinnedByCorrelation = (port: number, stream: string, group: string) =>
  new Promise<void>((resolve, reject) => {
    const raw = new PersistentSubscriptionsClient(`127.0.0.1:${port}`, credentials.createInsecure());
    const options = new CreateReq.Options();
    const streamOptions = new CreateReq.StreamOptions();
    const id = new StreamIdentifier();
    id.setStreamName(Buffer.from(stream));
    streamOptions.setStreamIdentifier(id);
    streamOptions.setStart(new Empty());
    options.setStream(streamOptions);
    options.setGroupName(group);
    const settings = new CreateReq.Settings();
    settings.setResolveLinks(true);
    settings.setMessageTimeoutMs(30_000);
    settings.setCheckpointAfterMs(2_000);
    settings.setConsumerStrategy('PinnedByCorrelation');
    options.setSettings(settings);
    const req = new CreateReq();
    req.setOptions(options);
    raw.create(req, (error: ServiceError | null) => {
      raw.close();
      if (error) reject(error);
      else resolve();
    });
  });

describe('PinnedByCorrelation', () => {
  it('pins every event of one $correlationId to one consumer, whatever its stream', async () => {
    const h = await startHarness({ inMemory: true, systemProjections: true });
    try {
      const cat = `pin${randomUUID().replace(/-/g, '').slice(0, 10)}`;
      await createPinnedByCorrelation(h.server.port, `$ce-${cat}`, 'g');
      const info = await h.client.getPersistentSubscriptionToStreamInfo(`$ce-${cat}`, 'g');
      expect(info.settings.consumerStrategyName).toBe('PinnedByCorrelation');
      const seen = new Map<string, Set<number>>();
      let total = 0;
      const subs = [0, 1, 2].map((n) => {
        const sub = h.client.subscribeToPersistentSubscriptionToStream(`$ce-${cat}`, 'g', { bufferSize: 50 });
        sub.on('data', (e: PersistentSubscriptionToStreamResolvedEvent) => {
          const correlation = (e.event!.metadata as { $correlationId: string }).$correlationId;
          seen.set(correlation, (seen.get(correlation) ?? new Set()).add(n));
          total++;
          void sub.ack(e);
        });
        return sub;
      });
      await waitFor(
        async () =>
          (await h.client.getPersistentSubscriptionToStreamInfo(`$ce-${cat}`, 'g')).connections.length === 3,
      );
      const correlations = Array.from({ length: 6 }, () => randomUUID());
      for (let i = 0; i < 24; i++) {
        await h.client.appendToStream(
          `${cat}-${i % 5}`,
          jsonEvent({ type: 'E', data: { i }, metadata: { $correlationId: correlations[i % 6] } }),
        );
      }
      await waitFor(() => total === 24);
      for (const consumers of seen.values()) expect(consumers.size).toBe(1);
      await Promise.all(subs.map((sub) => sub.unsubscribe()));
    } finally {
      await h.dispose();
    }
  });
});
