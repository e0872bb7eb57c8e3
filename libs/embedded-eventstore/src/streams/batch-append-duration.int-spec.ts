import { credentials } from '@grpc/grpc-js';
import type * as StreamsPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_pb';
import type * as StreamsGrpcPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_grpc_pb';
import type * as SharedPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/shared_pb';
import type * as DurationPb from 'google-protobuf/google/protobuf/duration_pb';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import type { Harness } from '../testing/harness';
import { collect, startHarness } from '../testing/harness';

/* The newer client's generated v1 messages: they carry BatchAppend's Duration `deadline` (field 7). */
const kurrent = createRequire(require.resolve('@kurrent/kurrentdb-client/package.json'));
const pb = kurrent('./generated/kurrentdb/protocols/v1/streams_pb') as typeof StreamsPb;
const grpcPb = kurrent('./generated/kurrentdb/protocols/v1/streams_grpc_pb') as typeof StreamsGrpcPb;
const sharedPb = kurrent('./generated/kurrentdb/protocols/v1/shared_pb') as typeof SharedPb;
const durationPb = kurrent('google-protobuf/google/protobuf/duration_pb') as typeof DurationPb;

type Resp = InstanceType<typeof pb.BatchAppendResp>;

const batchAppend = (port: number, stream: string, deadlineMs: number): Promise<Resp> => {
  const client = new grpcPb.StreamsClient(`127.0.0.1:${port}`, credentials.createInsecure());
  const call = client.batchAppend();
  return new Promise<Resp>((resolve, reject) => {
    call.on('data', (resp: Resp) => {
      resolve(resp);
      call.end();
    });
    call.on('error', reject);
    const req = new pb.BatchAppendReq();
    const correlation = new sharedPb.UUID();
    correlation.setString(randomUUID());
    req.setCorrelationId(correlation);
    const options = new pb.BatchAppendReq.Options();
    const id = new sharedPb.StreamIdentifier();
    id.setStreamName(Buffer.from(stream));
    options.setStreamIdentifier(id);
    options.setAny(new sharedPb.Empty());
    const duration = new durationPb.Duration();
    duration.setSeconds(Math.floor(deadlineMs / 1000));
    duration.setNanos((deadlineMs % 1000) * 1e6);
    options.setDeadline(duration);
    req.setOptions(options);
    const message = new pb.BatchAppendReq.ProposedMessage();
    const eventId = new sharedPb.UUID();
    eventId.setString(randomUUID());
    message.setId(eventId);
    message.getMetadataMap().set('type', 'A').set('content-type', 'application/json');
    message.setData(Buffer.from('{}'));
    req.addProposedMessages(message);
    req.setIsFinal(true);
    call.write(req);
  }).finally(() => client.close());
};

describe('BatchAppend Duration deadline (deadline_duration)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.dispose());

  it('a zero Duration answers Timeout and writes nothing; a generous one appends', async () => {
    const late = `late-${randomUUID()}`;
    const timedOut = await batchAppend(h.server.port, late, 0);
    expect(timedOut.hasError()).toBe(true);
    expect(timedOut.getError()!.getDetails()!.getTypeUrl()).toMatch(/event_store\.client\.Timeout$/);
    expect(await collect(h.client.readStream(late)).catch(() => [])).toEqual([]);

    const ok = `ok-${randomUUID()}`;
    const written = await batchAppend(h.server.port, ok, 30_000);
    expect(written.hasSuccess()).toBe(true);
    expect(await collect(h.client.readStream(ok))).toHaveLength(1);
  });
});
