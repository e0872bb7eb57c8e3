import { credentials, status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { CancelledError, START, jsonEvent } from '@eventstore/db-client';
import { StreamsClient } from '@eventstore/db-client/generated/streams_grpc_pb';
import type { AppendResp } from '@eventstore/db-client/generated/streams_pb';
import { AppendReq, BatchAppendReq } from '@eventstore/db-client/generated/streams_pb';
import { Empty, StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { randomUUID } from 'node:crypto';
import { startHarness, waitFor } from '../testing/harness';

const streamId = (name: string) => {
  const id = new StreamIdentifier();
  id.setStreamName(Buffer.from(name));
  return id;
};

describe('stopping the node', () => {
  it('fails in-flight appends with UNAVAILABLE and cancels streaming reads, like a real node', async () => {
    const h = await startHarness();
    const raw = new StreamsClient(`127.0.0.1:${h.server.port}`, credentials.createInsecure());
    try {
      await h.client.appendToStream('s', jsonEvent({ type: 'A', data: {} }));
      // A unary Append whose request stream is still open: the server holds it, unanswered.
      const append = new Promise<ServiceError | null>((resolve) => {
        const call = raw.append((error: ServiceError | null, _resp?: AppendResp) => resolve(error));
        const options = new AppendReq.Options();
        options.setStreamIdentifier(streamId(`held-${randomUUID()}`));
        options.setAny(new Empty());
        const req = new AppendReq();
        req.setOptions(options);
        call.write(req);
      });
      // A BatchAppend with a chunk that is not final yet.
      const batchError = new Promise<ServiceError>((resolve) => {
        const call = raw.batchAppend();
        call.on('error', resolve);
        call.on('data', () => undefined);
        const options = new BatchAppendReq.Options();
        options.setStreamIdentifier(streamId(`batch-${randomUUID()}`));
        options.setAny(new Empty());
        const req = new BatchAppendReq();
        const correlation = new UUID();
        correlation.setString(randomUUID());
        req.setCorrelationId(correlation);
        req.setOptions(options);
        req.setIsFinal(false);
        call.write(req);
      });
      const subscription = h.client.subscribeToAll({ fromPosition: START });
      let caughtUp = false;
      let subscriptionError: unknown = null;
      subscription.on('caughtUp', () => (caughtUp = true));
      subscription.on('data', () => undefined);
      subscription.on('error', (error) => (subscriptionError = error));
      await waitFor(() => caughtUp);

      await h.server.stop();
      expect(await append).toMatchObject({ code: status.UNAVAILABLE, details: 'Server Is Not Ready' });
      expect(await batchError).toMatchObject({ code: status.UNAVAILABLE, details: 'Server Is Not Ready' });
      await waitFor(() => subscriptionError !== null);
      expect(subscriptionError).toBeInstanceOf(CancelledError);
    } finally {
      raw.close();
      await h.dispose();
    }
  });
});
