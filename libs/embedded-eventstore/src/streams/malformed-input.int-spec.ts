import { connect } from 'node:net';
import { connect as http2Connect, constants as h2 } from 'node:http2';
import { randomUUID } from 'node:crypto';
import { credentials, status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import {
  RequiredMetadataPropertyMissingError,
  UnknownError,
  convertToCommandError,
  jsonEvent,
} from '@eventstore/db-client';
import { StreamsClient } from '@eventstore/db-client/generated/streams_grpc_pb';
import type { AppendResp } from '@eventstore/db-client/generated/streams_pb';
import { AppendReq, ReadReq } from '@eventstore/db-client/generated/streams_pb';
import { StreamIdentifier, UUID, Empty } from '@eventstore/db-client/generated/shared_pb';
import type { Harness } from '../testing/harness';
import { collect, startHarness, waitFor } from '../testing/harness';

const viaAppend = { credentials: { username: 'admin', password: 'changeit' } };

describe('malformed input', () => {
  let h: Harness;
  let raw: StreamsClient;
  beforeAll(async () => {
    h = await startHarness();
    raw = new StreamsClient(`127.0.0.1:${h.server.port}`, credentials.createInsecure());
  });
  afterAll(async () => {
    raw.close();
    await h.dispose();
  });

  const stillServes = async () => {
    const stream = `alive-${randomUUID()}`;
    await h.client.appendToStream(stream, jsonEvent({ type: 'Ok', data: {} }));
    expect(await collect(h.client.readStream(stream))).toHaveLength(1);
  };

  /** Unary Append through the package's generated client, for shapes the high-level client never sends. */
  const rawAppend = (messages: AppendReq[]) =>
    new Promise<AppendResp>((resolve, reject) => {
      const call = raw.append((error, resp) => (error ? reject(error) : resolve(resp)));
      for (const message of messages) call.write(message);
      call.end();
    });
  const options = (stream: string) => {
    const req = new AppendReq();
    const opts = new AppendReq.Options();
    const id = new StreamIdentifier();
    id.setStreamName(Buffer.from(stream));
    opts.setStreamIdentifier(id);
    opts.setAny(new Empty());
    req.setOptions(opts);
    return req;
  };
  const proposed = (meta: Record<string, string>, uuid = randomUUID()) => {
    const req = new AppendReq();
    const message = new AppendReq.ProposedMessage();
    const id = new UUID();
    id.setString(uuid);
    message.setId(id);
    for (const [k, v] of Object.entries(meta)) message.getMetadataMap().set(k, v);
    message.setData(Buffer.from('{}'));
    req.setProposedMessage(message);
    return req;
  };

  it.each([
    ['BatchAppend', {}],
    ['Append', viaAppend],
  ])('rejects a bad event UUID via %s and keeps serving', async (_path, extra) => {
    const error = await h.client
      .appendToStream('uuids', jsonEvent({ id: 'not-a-uuid', type: 'T', data: {} }), extra)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownError);
    expect(String((error as Error).message)).toMatch(/not a UUID|Invalid event id/);
    await stillServes();
  });

  it.each([
    ['BatchAppend', {}],
    ['Append', viaAppend],
  ])('rejects an empty stream name via %s and keeps serving', async (_path, extra) => {
    await expect(
      h.client.appendToStream('', jsonEvent({ type: 'T', data: {} }), extra),
    ).rejects.toBeInstanceOf(UnknownError);
    await expect(collect(h.client.readStream(''))).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    await stillServes();
  });

  it('rejects events without type or content-type with RequiredMetadataPropertyMissing', async () => {
    const error = await rawAppend([options('meta'), proposed({ 'content-type': 'application/json' })]).catch(
      (e: unknown) => convertToCommandError(e as ServiceError),
    );
    expect(error).toBeInstanceOf(RequiredMetadataPropertyMissingError);
    expect((error as RequiredMetadataPropertyMissingError).requiredMetadataProperties).toEqual(['type']);
    await stillServes();
  });

  it('rejects unknown message shapes with INVALID_ARGUMENT', async () => {
    const noOptions = await rawAppend([proposed({ type: 'T', 'content-type': 'application/json' })]).catch(
      (e: unknown) => e,
    );
    expect(noOptions).toMatchObject({ code: status.INVALID_ARGUMENT });
    const emptyRead = await collect(raw.read(new ReadReq())).catch((e: unknown) => e);
    expect(emptyRead).toMatchObject({ code: status.INVALID_ARGUMENT });
    await stillServes();
  });

  it('survives garbage bytes on the raw socket', async () => {
    for (const payload of [
      Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
      Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.alloc(64, 0xff)]),
      Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)),
    ]) {
      await new Promise<void>((resolve) => {
        const socket = connect(h.server.port, '127.0.0.1', () => socket.end(payload));
        socket.on('error', () => resolve());
        socket.on('close', () => resolve());
        socket.resume();
      });
    }
    await stillServes();
  });

  it('answers an undecodable gRPC message with an error status', async () => {
    const session = http2Connect(`http://127.0.0.1:${h.server.port}`);
    try {
      const grpcStatus = await new Promise<string | undefined>((resolve, reject) => {
        const req = session.request({
          [h2.HTTP2_HEADER_METHOD]: 'POST',
          [h2.HTTP2_HEADER_PATH]: '/event_store.client.streams.Streams/Read',
          'content-type': 'application/grpc',
          te: 'trailers',
        });
        let code: string | undefined;
        req.on('response', (headers) => (code ??= headers['grpc-status'] as string | undefined));
        req.on('trailers', (trailers) => (code = trailers['grpc-status'] as string | undefined));
        req.on('close', () => resolve(code));
        req.on('error', reject);
        req.resume();
        const body = Buffer.from([0xff, 0xff, 0xff, 0x0a, 0x05]);
        const frame = Buffer.alloc(5 + body.length);
        frame.writeUInt32BE(body.length, 1);
        body.copy(frame, 5);
        req.end(frame);
      });
      expect(grpcStatus).toBeDefined();
      expect(grpcStatus).not.toBe('0');
    } finally {
      session.close();
    }
    await stillServes();
  });

  it('copes with clients that go away mid-stream', async () => {
    const stream = `bulk-${randomUUID()}`;
    await h.client.appendToStream(
      stream,
      Array.from({ length: 3000 }, (_, i) => jsonEvent({ type: 'Bulk', data: { i, pad: 'x'.repeat(200) } })),
    );
    const quitter = h.newClient();
    let seen = 0;
    for await (const _ of quitter.readAll()) if (++seen === 10) break;
    const sub = quitter.subscribeToAll();
    let live = 0;
    sub.on('data', () => live++);
    await waitFor(() => live > 100);
    await quitter.dispose();
    await stillServes();
    expect(await collect(h.client.readStream(stream))).toHaveLength(3000);
  });
});
