export type ReservationOutcome = 'released' | 'committed';

type Outcomes = Readonly<Record<string, ReservationOutcome>>;

/**
 * The outcomes of the most recently settled reservations, in generations of SETTLED_GENERATION: adding one
 * copies only the newest generation, and full generations are shared, never copied, so folding a product
 * with any number of orders costs the same per event and the state (cache, snapshots) stays bounded.
 *
 * Why recent ones suffice: a command for a settled order can only be a late duplicate of the checkout's own
 * commands (each checkout drives its order's reservations forward from its own stream, never backwards),
 * and those arrive within moments. Duplicates carrying their idempotency key are also recognised by the
 * command handling. An order settled more than SETTLED_REMEMBERED settlements ago is forgotten: a commit
 * for it answers reservation_not_found, a release is a no-op.
 */
export interface SettledReservations {
  /** The newest settlements, oldest first (an array: appending copies pointers, not a hashed map). */
  readonly recent: readonly (readonly [orderId: string, outcome: ReservationOutcome])[];
  /** Full generations as lookup maps, newest first; built once when a generation fills, then shared. */
  readonly older: readonly Outcomes[];
}

export const SETTLED_GENERATION = 64;
export const SETTLED_GENERATIONS_KEPT = 16;
/** At least this many of the latest settlements are always remembered. */
export const SETTLED_REMEMBERED = SETTLED_GENERATION * SETTLED_GENERATIONS_KEPT;

export const noSettledReservations = (): SettledReservations => ({ recent: [], older: [] });

export function rememberSettled(
  memory: SettledReservations,
  orderId: string,
  outcome: ReservationOutcome,
): SettledReservations {
  if (memory.recent.length < SETTLED_GENERATION) {
    return { recent: [...memory.recent, [orderId, outcome]], older: memory.older };
  }
  return {
    recent: [[orderId, outcome]],
    older: [Object.fromEntries(memory.recent), ...memory.older].slice(0, SETTLED_GENERATIONS_KEPT),
  };
}

export function settledOutcome(memory: SettledReservations, orderId: string): ReservationOutcome | undefined {
  for (let i = memory.recent.length - 1; i >= 0; i--) {
    const [id, outcome] = memory.recent[i]!;
    if (id === orderId) return outcome;
  }
  const generation = memory.older.find((outcomes) => Object.hasOwn(outcomes, orderId));
  return generation?.[orderId];
}

/** How many settlements are remembered (for tests and diagnostics). */
export const settledCount = (memory: SettledReservations): number =>
  memory.older.reduce((sum, outcomes) => sum + Object.keys(outcomes).length, memory.recent.length);
