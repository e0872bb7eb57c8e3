import { credentials, status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import {
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  binaryEvent,
  jsonEvent,
} from '@eventstore/db-client';
import { StreamsClient } from '@eventstore/db-client/generated/streams_grpc_pb';
import type { AppendResp } from '@eventstore/db-client/generated/streams_pb';
import { AppendReq } from '@eventstore/db-client/generated/streams_pb';
import { Empty, StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { startEmbeddedEventStore } from '../server';
import { collect, startHarness, tempDir } from '../testing/harness';

describe('write limits', () => {
  it('counts an append as 24.10 does (data bytes only) against a configurable maximum', async () => {
    const h = await startHarness({ inMemory: true, maxAppendSize: 1000 });
    try {
      // 1000 data bytes plus metadata and a long type: within the limit, because 24.10 counts data only.
      await h.client.appendToStream(
        `size-${randomUUID()}`,
        binaryEvent({
          type: 'T'.repeat(300),
          data: Buffer.alloc(1000, 1),
          metadata: Buffer.alloc(5000, 2),
        }),
      );
      const error = await h.client
        .appendToStream(`size-${randomUUID()}`, [
          binaryEvent({ type: 'A', data: Buffer.alloc(600, 1) }),
          binaryEvent({ type: 'B', data: Buffer.alloc(401, 1) }),
        ])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MaxAppendSizeExceededError);
      expect((error as MaxAppendSizeExceededError).maxAppendSize).toBe(1000);
    } finally {
      await h.dispose();
    }
  });

  it('refuses invalid limits at start', async () => {
    await expect(startEmbeddedEventStore({ inMemory: true, commitTimeoutMs: 0 })).rejects.toThrow(
      /commitTimeoutMs must be a positive integer/,
    );
  });

  it('a BatchAppend whose deadline has passed answers Timeout (DeadlineExceeded), not a size error', async () => {
    const h = await startHarness();
    try {
      const error = await h.client
        .appendToStream(`late-${randomUUID()}`, jsonEvent({ type: 'A', data: {} }), { deadline: 0 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeadlineExceededError);
      const s = `ok-${randomUUID()}`;
      await h.client.appendToStream(s, jsonEvent({ type: 'A', data: {} }));
      expect(await collect(h.client.readStream(s))).toHaveLength(1);
    } finally {
      await h.dispose();
    }
  });

  it('a write not durable within commitTimeoutMs times out with the real errors (both append paths)', async () => {
    const dataDir = await tempDir();
    // 1 ms cannot cover writing and fsyncing 24 MiB: every such write times out.
    const h = await startHarness({ dataDir, commitTimeoutMs: 1, maxAppendSize: 64 * 1024 * 1024 });
    const raw = new StreamsClient(`127.0.0.1:${h.server.port}`, credentials.createInsecure());
    try {
      const big = () => binaryEvent({ type: 'Big', data: Buffer.alloc(24 * 1024 * 1024, 7) });
      const batchError = await h.client
        .appendToStream(`slow-${randomUUID()}`, big())
        .catch((e: unknown) => e);
      expect(batchError).toBeInstanceOf(DeadlineExceededError);

      const unary = await new Promise<ServiceError | null>((resolve) => {
        const call = raw.append((error: ServiceError | null, _resp?: AppendResp) => resolve(error));
        const options = new AppendReq.Options();
        const id = new StreamIdentifier();
        id.setStreamName(Buffer.from(`slow-${randomUUID()}`));
        options.setStreamIdentifier(id);
        options.setAny(new Empty());
        const first = new AppendReq();
        first.setOptions(options);
        call.write(first);
        const message = new AppendReq.ProposedMessage();
        const uuid = new UUID();
        uuid.setString(randomUUID());
        message.setId(uuid);
        message.getMetadataMap().set('type', 'Big').set('content-type', 'application/octet-stream');
        message.setData(Buffer.alloc(24 * 1024 * 1024, 7));
        const second = new AppendReq();
        second.setProposedMessage(message);
        call.write(second);
        call.end();
      });
      expect(unary).toMatchObject({
        code: status.ABORTED,
        details: 'Operation timed out: Commit phase timeout.',
      });
    } finally {
      raw.close();
      await h.dispose();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
