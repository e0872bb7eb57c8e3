/*
 * Writes a synthetic log of N small JSON events straight through the storage layer (big fsync'd groups,
 * no gRPC), for measuring recovery time on large logs. Usage: generate-log --data-dir DIR --events N
 */
import { randomUUID } from 'node:crypto';
import { openSegmentLog } from '../storage/recovery';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const main = async (): Promise<void> => {
  const dataDir = arg('--data-dir');
  const total = Number(arg('--events') ?? 1_000_000);
  if (!dataDir) throw new Error('--data-dir is required');
  const streams = 10_000;
  const { log } = await openSegmentLog(dataDir);
  const data = Buffer.from(
    JSON.stringify({ sku: 'SKU-000123', quantity: 3, price: 1999, note: 'synthetic' }),
  );
  const metadata = new Uint8Array(0);
  for (let n = 0; n < total; n += 10_000) {
    const batch = Array.from({ length: Math.min(10_000, total - n) }, (_, i) => ({
      streamName: `product-${(n + i) % streams}`,
      revision: Math.floor((n + i) / streams),
      tombstone: false,
      id: randomUUID(),
      type: 'StockAdjusted',
      isJson: true,
      createdMs: Date.now(),
      data,
      metadata,
    }));
    await log.append(batch).durable;
  }
  await log.close();
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
