import { SharedScan } from './shared-scan';

const deferred = <T>() => {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
};

describe('SharedScan', () => {
  it('runs one scan at a time; callers arriving meanwhile share the next one', async () => {
    const scans: ReturnType<typeof deferred<number>>[] = [];
    const shared = new SharedScan(() => {
      const d = deferred<number>();
      scans.push(d);
      return d.promise;
    });
    const first = shared.run();
    const second = shared.run();
    const third = shared.run();
    expect(scans).toHaveLength(1);
    scans[0]!.resolve(1);
    await expect(first).resolves.toBe(1);
    await Promise.resolve();
    await Promise.resolve();
    expect(scans).toHaveLength(2); // the queued scan started only after the first ended
    scans[1]!.resolve(2);
    await expect(second).resolves.toBe(2);
    await expect(third).resolves.toBe(2);
  });

  it('starts at once when idle, and a failed scan fails only its own callers', async () => {
    let calls = 0;
    const shared = new SharedScan(() =>
      ++calls === 1 ? Promise.reject(new Error('down')) : Promise.resolve(7),
    );
    await expect(shared.run()).rejects.toThrow('down');
    await expect(shared.run()).resolves.toBe(7);
    expect(calls).toBe(2);
  });

  it('queues after a failing scan too', async () => {
    const first = deferred<number>();
    let calls = 0;
    const shared = new SharedScan(() => (++calls === 1 ? first.promise : Promise.resolve(3)));
    const a = shared.run();
    const b = shared.run();
    first.reject(new Error('down'));
    await expect(a).rejects.toThrow('down');
    await expect(b).resolves.toBe(3);
  });
});
