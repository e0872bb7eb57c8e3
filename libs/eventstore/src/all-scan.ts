import {
  type AllStreamResolvedEvent,
  type EventStoreDBClient,
  type Filter,
  type Position,
  START,
} from '@eventstore/db-client';
import { CancelBudget } from './cancel-budget';

/** Well under the reset rate HTTP/2 servers tolerate (Node's: 33/s after a burst of 1,000). */
const SCANS_PER_SECOND = 20;
const SCAN_BURST = 200;
const budgets = new WeakMap<EventStoreDBClient, CancelBudget>();

const budgetOf = (esdb: EventStoreDBClient): CancelBudget => {
  let budget = budgets.get(esdb);
  if (!budget) {
    budget = new CancelBudget(SCANS_PER_SECOND, SCAN_BURST);
    budgets.set(esdb, budget);
  }
  return budget;
};

/**
 * Visits $all after `from` (or from the start), optionally filtered server-side, up to the store's current end
 * or until `visit` returns false. Client 6.2.1 cannot filter reads of $all, so a filtered catch-up subscription
 * does the reading and is closed once the server reports it caught up: the events still buffered at that
 * moment are the last ones visited. Every scan ends with a cancelled call, so scans on one client are paced
 * (see CancelBudget): use them for operator queries and periodic checks, not once per request.
 */
export async function scanAll(
  esdb: EventStoreDBClient,
  options: { from?: Position | null; filter?: Filter },
  visit: (event: AllStreamResolvedEvent) => boolean,
): Promise<void> {
  await budgetOf(esdb).take();
  const subscription = esdb.subscribeToAll({
    fromPosition: options.from ? { commit: options.from.commit, prepare: options.from.prepare } : START,
    ...(options.filter ? { filter: options.filter } : {}),
  });
  return new Promise<void>((resolve, reject) => {
    let remaining: number | null = null;
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      subscription.removeAllListeners('data');
      void subscription.unsubscribe().catch(() => undefined);
      if (error === undefined) resolve();
      else reject(error instanceof Error ? error : new Error('subscription failed'));
    };
    subscription.on('data', (resolved: AllStreamResolvedEvent) => {
      if (settled) return;
      let more: boolean;
      try {
        more = visit(resolved);
      } catch (error) {
        finish(error);
        return;
      }
      if (remaining !== null) remaining--;
      if (!more || remaining === 0) finish();
    });
    subscription.once('caughtUp', () => {
      remaining = subscription.readableLength;
      if (remaining === 0) finish();
    });
    subscription.once('error', finish);
  });
}
