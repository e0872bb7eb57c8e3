export interface StateChange {
  /** JSON-pointer-like path of the changed value, e.g. `/lines/2/quantity`; `` for the whole state. */
  readonly path: string;
  /** Absent when the value was added. */
  readonly before?: unknown;
  /** Absent when the value was removed. */
  readonly after?: unknown;
}

/** Structural difference between two JSON values, listing leaves (and added/removed subtrees) that changed. */
export const diffStates = (before: unknown, after: unknown, path = ''): StateChange[] => {
  if (Object.is(before, after)) return [];
  if (isContainer(before) && isContainer(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].flatMap((key) => {
      const childPath = `${path}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      const inBefore = Object.hasOwn(before, key);
      const inAfter = Object.hasOwn(after, key);
      if (!inBefore) return [{ path: childPath, after: (after as Record<string, unknown>)[key] }];
      if (!inAfter) return [{ path: childPath, before: (before as Record<string, unknown>)[key] }];
      return diffStates(
        (before as Record<string, unknown>)[key],
        (after as Record<string, unknown>)[key],
        childPath,
      );
    });
  }
  return [{ path, before, after }];
};

const isContainer = (value: unknown): value is object => typeof value === 'object' && value !== null;
