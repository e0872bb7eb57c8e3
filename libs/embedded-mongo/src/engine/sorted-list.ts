const MAX_BLOCK = 1024;

/**
 * Ordered multiset as a list of sorted blocks: O(log n) search and O(sqrt n)-ish inserts, with cheap in-order
 * iteration in both directions. Entries must be totally ordered by `compare` (callers add a tie-breaker).
 */
export class SortedList<T> {
  private blocks: T[][] = [];
  private count = 0;

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.blocks = [];
    this.count = 0;
  }

  /** Bulk load: far cheaper than n inserts when building an index over existing data. */
  load(items: T[]): void {
    const sorted = items.slice().sort(this.compare);
    this.blocks = [];
    for (let i = 0; i < sorted.length; i += MAX_BLOCK / 2)
      this.blocks.push(sorted.slice(i, i + MAX_BLOCK / 2));
    this.count = sorted.length;
  }

  insert(item: T): void {
    this.count++;
    if (this.blocks.length === 0) {
      this.blocks.push([item]);
      return;
    }
    let bi = this.blockFor(item);
    if (bi === this.blocks.length) bi--;
    const block = this.blocks[bi] as T[];
    block.splice(this.lowerIndex(block, item), 0, item);
    if (block.length > MAX_BLOCK) this.blocks.splice(bi + 1, 0, block.splice(MAX_BLOCK / 2));
  }

  remove(item: T): boolean {
    const bi = this.blockFor(item);
    const block = this.blocks[bi];
    if (!block) return false;
    const i = this.lowerIndex(block, item);
    if (i >= block.length || this.compare(block[i] as T, item) !== 0) return false;
    block.splice(i, 1);
    if (block.length === 0) this.blocks.splice(bi, 1);
    this.count--;
    return true;
  }

  /** Iterates entries with lower <= e (or < when exclusive), ascending; the caller stops when past its bound. */
  *ascending(lower?: (e: T) => number): Generator<T> {
    let bi = 0;
    let i = 0;
    if (lower) {
      bi = this.firstBlock(lower);
      const block = this.blocks[bi];
      if (block) i = this.firstIndex(block, lower);
    }
    for (; bi < this.blocks.length; bi++, i = 0) {
      const block = this.blocks[bi] as T[];
      for (; i < block.length; i++) yield block[i] as T;
    }
  }

  /** Iterates descending from the last entry e with upper(e) <= 0. */
  *descending(upper?: (e: T) => number): Generator<T> {
    let bi = this.blocks.length - 1;
    let i = (this.blocks[bi]?.length ?? 0) - 1;
    if (upper) {
      // first position where upper(e) > 0, then step back one
      const fb = this.firstBlock((e) => (upper(e) > 0 ? 0 : -1));
      const block = this.blocks[fb];
      if (block) {
        const fi = this.firstIndex(block, (e) => (upper(e) > 0 ? 0 : -1));
        bi = fb;
        i = fi - 1;
      } else {
        bi = this.blocks.length - 1;
        i = (this.blocks[bi]?.length ?? 0) - 1;
      }
    }
    for (; bi >= 0; bi--) {
      const block = this.blocks[bi] as T[];
      if (i < 0 || i >= block.length) i = Math.min(i, block.length - 1);
      for (; i >= 0; i--) yield block[i] as T;
      i = (this.blocks[bi - 1]?.length ?? 0) - 1;
    }
  }

  // index of the first block whose last entry is >= item
  private blockFor(item: T): number {
    return this.firstBlock((e) => this.compare(e, item));
  }

  /** First block whose last entry e satisfies pos(e) >= 0 (pos < 0 means "before the target"). */
  private firstBlock(pos: (e: T) => number): number {
    let lo = 0;
    let hi = this.blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const block = this.blocks[mid] as T[];
      if (pos(block[block.length - 1] as T) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private firstIndex(block: T[], pos: (e: T) => number): number {
    let lo = 0;
    let hi = block.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pos(block[mid] as T) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private lowerIndex(block: T[], item: T): number {
    return this.firstIndex(block, (e) => this.compare(e, item));
  }
}
