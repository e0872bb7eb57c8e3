// Child process for the crash-safety test: writes as fast as it can and reports each acknowledged write on
// stdout, until the parent SIGKILLs it.
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '../server/start';

const main = async (): Promise<void> => {
  const dbPath = process.argv[2] as string;
  const server = await startEmbeddedMongo({
    dbPath,
    port: 0,
    compactAfterBytes: Number(process.argv[3] ?? 64 * 1024 * 1024),
  });
  const client = new MongoClient(server.uri);
  await client.connect();
  const docs = client.db('crash').collection<{ _id: number; pad?: string; n?: number }>('docs');
  await docs.createIndex({ k: 1 }, { unique: true, sparse: true });
  process.stdout.write('ready\n');
  for (let i = 0; ; i++) {
    if (i % 3 === 0) {
      await docs.insertOne({ _id: i, k: i, pad: 'x'.repeat(200) } as never);
    } else if (i % 3 === 1) {
      await docs.bulkWrite([
        { updateOne: { filter: { _id: i }, update: { $set: { k: i }, $inc: { n: 1 } }, upsert: true } },
        { updateOne: { filter: { _id: -1 }, update: { $inc: { n: 1 } }, upsert: true } },
      ]);
    } else {
      const s = client.startSession();
      await s.withTransaction(async () => {
        await docs.insertOne({ _id: i, k: i } as never, { session: s });
        await docs.updateOne({ _id: -2 }, { $inc: { n: 1 } }, { upsert: true, session: s });
      });
      await s.endSession();
    }
    process.stdout.write(`ack ${i}\n`);
  }
};

void main();
