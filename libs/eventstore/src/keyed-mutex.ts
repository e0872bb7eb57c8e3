/**
 * Runs tasks with the same key one at a time, in arrival order. Commands on one stream from one process then
 * stop racing each other: each loads after the previous one appended, instead of all but one losing the
 * optimistic-concurrency race and reloading. Other processes are still handled by expected revisions.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /**
   * Runs `task` holding every key. Keys are taken one after another in sorted order, so two tasks sharing
   * keys never wait for each other crosswise.
   */
  runAll<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const hold = (i: number): Promise<T> =>
      i === sorted.length ? task() : this.run(sorted[i] as string, () => hold(i + 1));
    return hold(0);
  }
}
