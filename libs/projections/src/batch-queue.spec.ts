import { BatchQueue } from './batch-queue';

describe('BatchQueue', () => {
  it('hands the consumer everything queued, at most maxBatch at a time, in order', async () => {
    const queue = new BatchQueue<number>(3, 10);
    for (let i = 1; i <= 5; i++) await queue.push(i);
    expect(await queue.take()).toEqual([1, 2, 3]);
    expect(await queue.take()).toEqual([4, 5]);
  });

  it('wakes a waiting consumer with the first item (no lingering unless asked)', async () => {
    const queue = new BatchQueue<number>(100);
    const taken = queue.take();
    await queue.push(1);
    expect(await taken).toEqual([1]);
  });

  it('lingers for a full batch', async () => {
    const queue = new BatchQueue<number>(3);
    const taken = queue.take(60_000);
    await queue.push(1);
    await queue.push(2);
    await queue.push(3);
    expect(await taken).toEqual([1, 2, 3]);
  });

  it('stops lingering at the deadline or on release, with what it has', async () => {
    const queue = new BatchQueue<number>(100);
    await queue.push(1);
    expect(await queue.take(5)).toEqual([1]);
    await queue.push(2);
    const taken = queue.take(60_000);
    queue.release();
    expect(await taken).toEqual([2]);
  });

  it('holds the producer back at capacity until the consumer takes', async () => {
    const queue = new BatchQueue<number>(2, 2);
    await queue.push(1);
    let pushed = false;
    const second = queue.push(2).then(() => (pushed = true));
    await Promise.resolve();
    expect(pushed).toBe(false);
    expect(await queue.take()).toEqual([1, 2]);
    await second;
    expect(pushed).toBe(true);
  });

  it('drains after the end, then returns null', async () => {
    const queue = new BatchQueue<number>(10);
    await queue.push(1);
    queue.end();
    expect(await queue.take()).toEqual([1]);
    expect(await queue.take()).toBeNull();
  });

  it('throws the producer failure instead of handing out what is left', async () => {
    const queue = new BatchQueue<number>(10);
    await queue.push(1);
    queue.fail(new Error('subscription dropped'));
    await expect(queue.take()).rejects.toThrow('subscription dropped');
  });

  it('releases a blocked producer and drops later items once closed', async () => {
    const queue = new BatchQueue<number>(1, 1);
    const blocked = queue.push(1);
    queue.close();
    await blocked;
    await queue.push(2);
    expect(await queue.take()).toBeNull();
  });
});
