import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { startEmbeddedEventStore } from '@shop/embedded-eventstore';
import { startEmbeddedMongo } from '@shop/embedded-mongo';
import { MongoClient } from 'mongodb';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import * as net from 'node:net';

const FRAMES = 300;

/** Opens a raw connection, writes `bytes`, and gives the server a moment to answer or hang up. */
async function send(port: number, bytes: Buffer): Promise<void> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.on('data', () => undefined);
  await once(socket, 'connect');
  socket.write(bytes);
  await Promise.race([once(socket, 'close'), new Promise((resolve) => setTimeout(resolve, 50))]);
  socket.destroy();
}

const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
};

/** MongoDB wire frames: random bytes, lying lengths, unknown opcodes, truncated OP_MSG bodies. */
const mongoFrame = (i: number): Buffer => {
  const body = randomBytes(i % 64);
  switch (i % 5) {
    case 0:
      return randomBytes(1 + (i % 200));
    case 1: // header claims more than is sent
      return Buffer.concat([int32(16 + 1000), int32(i), int32(0), int32(2013), body]);
    case 2: // absurd and negative lengths
      return Buffer.concat([int32(i % 2 ? -1 : 0x7fffffff), int32(i), int32(0), int32(2013)]);
    case 3: // unknown opcode
      return Buffer.concat([int32(16 + body.length), int32(i), int32(0), int32(9999), body]);
    default: // OP_MSG with a garbage section
      return Buffer.concat([
        int32(21 + body.length),
        int32(i),
        int32(0),
        int32(2013),
        int32(0),
        Buffer.from([0]),
        body,
      ]);
  }
};

/** HTTP/2 (gRPC) frames: random bytes, a truncated preface, a preface followed by garbage frames. */
const preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
const grpcFrame = (i: number): Buffer => {
  switch (i % 4) {
    case 0:
      return randomBytes(1 + (i % 200));
    case 1:
      return preface.subarray(0, i % preface.length);
    case 2:
      return Buffer.concat([preface, randomBytes(9 + (i % 100))]);
    default: // a frame header announcing a huge payload that never comes
      return Buffer.concat([preface, Buffer.from([0xff, 0xff, 0xff, 0x01, 0x04, 0, 0, 0, 1])]);
  }
};

describe('protocol fuzz: the embedded servers survive malformed frames', () => {
  it(`keeps serving the official clients after ${FRAMES} malformed frames each`, async () => {
    const eventStore = await startEmbeddedEventStore({ inMemory: true, port: 0 });
    const mongoServer = await startEmbeddedMongo({ inMemory: true, port: 0 });
    const esdb = EventStoreDBClient.connectionString(eventStore.url);
    const mongo = await new MongoClient(mongoServer.uri).connect();
    try {
      const esPort = Number(/:(\d+)\?/.exec(eventStore.url)![1]);
      const mongoPort = Number(/:(\d+)/.exec(mongoServer.uri.replace('mongodb://', ''))![1]);
      const stream = `fuzz-${randomUUID()}`;
      const docs = mongo.db('fuzz').collection<{ _id: number }>('docs');
      for (let i = 0; i < FRAMES; i++) {
        await send(esPort, grpcFrame(i));
        await send(mongoPort, mongoFrame(i));
        // Interleaved: well-behaved traffic keeps working while the garbage arrives.
        if (i % 50 === 0) {
          await esdb.appendToStream(stream, jsonEvent({ type: 'Fuzzed', data: { i } }));
          await docs.insertOne({ _id: i });
        }
      }
      let events = 0;
      for await (const e of esdb.readStream(stream)) if (e.event?.type === 'Fuzzed') events++;
      expect(events).toBe(FRAMES / 50);
      expect(await docs.countDocuments()).toBe(FRAMES / 50);
      process.stdout.write(
        `reliability/protocol-fuzz: ${FRAMES} malformed frames to each embedded server; ` +
          `both kept serving (${events} appends, ${events} inserts read back)\n`,
      );
    } finally {
      await mongo.close();
      await esdb.dispose();
      await mongoServer.stop();
      await eventStore.stop();
    }
  }, 120_000);
});
