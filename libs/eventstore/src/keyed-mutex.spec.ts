import { KeyedMutex } from './keyed-mutex';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('KeyedMutex', () => {
  it('runs tasks of one key one at a time, in order, even when one fails', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const gate = deferred();
    const first = mutex.run('a', async () => {
      log.push('a1 start');
      await gate.promise;
      log.push('a1 end');
      throw new Error('a1 failed');
    });
    const second = mutex.run('a', () => Promise.resolve(log.push('a2')));
    const other = mutex.run('b', () => Promise.resolve(log.push('b1')));
    await other;
    expect(log).toEqual(['a1 start', 'b1']);
    gate.resolve();
    await expect(first).rejects.toThrow('a1 failed');
    await second;
    expect(log).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
  });

  it('runAll holds every key: tasks sharing any key wait, taking keys in one order never deadlocks', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const gate = deferred();
    const started = deferred();
    const both = mutex.runAll(['b', 'a'], async () => {
      log.push('ab start');
      started.resolve();
      await gate.promise;
      log.push('ab end');
    });
    await started.promise;
    const crosswise = mutex.runAll(['a', 'b'], () => Promise.resolve(log.push('ba')));
    const onlyB = mutex.run('b', () => Promise.resolve(log.push('b')));
    const other = mutex.run('c', () => Promise.resolve(log.push('c')));
    await other;
    expect(log).toEqual(['ab start', 'c']);
    gate.resolve();
    await Promise.all([both, crosswise, onlyB]);
    expect(log.slice(0, 3)).toEqual(['ab start', 'c', 'ab end']);
    expect(log.slice(3).sort()).toEqual(['b', 'ba']);
  });
});
