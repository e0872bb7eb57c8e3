import { type EventStoreDBClient } from '@eventstore/db-client';
import { type LogPosition } from '@shop/event-sourcing';
import { PendingLog } from './pending-log';

/** $all in memory, read the way the server reads it: forwards from a position (inclusive), maxCount events. */
class FakeLog {
  readonly events: { type: string; position: LogPosition }[] = [];
  reads = 0;

  append(...types: string[]): LogPosition {
    for (const type of types) {
      const at = BigInt(this.events.length + 1) * 100n;
      this.events.push({ type, position: { commit: at, prepare: at } });
    }
    return this.events[this.events.length - 1]!.position;
  }

  client(): EventStoreDBClient {
    return {
      readAll: (options: { fromPosition: unknown; maxCount: number }) => {
        this.reads++;
        const from =
          typeof options.fromPosition === 'object' ? (options.fromPosition as LogPosition).commit : 0n;
        const page = this.events.filter((e) => e.position.commit >= from).slice(0, options.maxCount);
        return (async function* () {
          for (const event of page) yield await Promise.resolve({ event });
        })();
      },
    } as unknown as EventStoreDBClient;
  }
}

/** A runner's checkpoint that tests move by hand. */
const progressOf = (initial: LogPosition | null) => {
  let checkpoint = initial;
  const listeners = new Set<() => void>();
  return {
    /** How many waits are parked until the checkpoint moves. */
    get parked() {
      return listeners.size;
    },
    set(next: LogPosition | null) {
      checkpoint = next;
      [...listeners].forEach((wake) => wake());
    },
    source: {
      checkpoint: () => checkpoint,
      changed: (seen: LogPosition | null, ms: number) =>
        checkpoint !== seen
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              const wake = () => {
                clearTimeout(timer);
                listeners.delete(wake);
                resolve();
              };
              const timer = setTimeout(wake, ms);
              listeners.add(wake);
            }),
    },
  };
};

const parkedOn = async (progress: { parked: number }) => {
  while (progress.parked === 0) await new Promise((r) => setImmediate(r));
};

const source = { name: 'p', eventTypes: ['Mine'] };

describe('PendingLog', () => {
  it('resolves at once when nothing of its types is pending up to the position', async () => {
    const log = new FakeLog();
    const applied = log.append('Mine');
    const other = log.append('Other', 'Other');
    const progress = progressOf(applied);
    await expect(new PendingLog(log.client(), source).waitFor(other, 1_000, progress.source)).resolves.toBe(
      true,
    );
  });

  it('waits for the last event of its types up to the position, not for later ones', async () => {
    const log = new FakeLog();
    const first = log.append('Mine');
    const mine = log.append('Mine');
    const other = log.append('Other');
    const later = log.append('Mine');
    const progress = progressOf(first);
    const pending = new PendingLog(log.client(), source);
    let resolved = false;
    const waiting = pending.waitFor(other, 5_000, progress.source).then((ok) => (resolved = ok));
    await parkedOn(progress);
    expect(resolved).toBe(false);
    progress.set(mine);
    await expect(waiting).resolves.toBe(true);
    expect(later.commit).toBeGreaterThan(other.commit);
  });

  it('reads only what was appended since its previous read', async () => {
    const log = new FakeLog();
    const progress = progressOf(log.append('Mine'));
    const pending = new PendingLog(log.client(), source, { pageSize: 4 });
    await pending.waitFor(log.append('Other', 'Other', 'Other'), 1_000, progress.source);
    const before = log.reads;
    await pending.waitFor(log.append('Other'), 1_000, progress.source);
    expect(log.reads - before).toBe(1); // one page: the last position it had read, then the new event
  });

  it('times out while its event is not applied, and resolves for a position past the head', async () => {
    const log = new FakeLog();
    const mine = log.append('Mine');
    const pending = new PendingLog(log.client(), source);
    await expect(pending.waitFor(mine, 50, progressOf(null).source)).resolves.toBe(false);
    const empty = new PendingLog(log.client(), { name: 'q', eventTypes: ['Theirs'] });
    const beyond = { commit: 10n ** 9n, prepare: 10n ** 9n };
    await expect(empty.waitFor(beyond, 1_000, progressOf(null).source)).resolves.toBe(true);
  });

  it('forgets what it knew when the checkpoint goes back (a reset replays everything)', async () => {
    const log = new FakeLog();
    const mine = log.append('Mine');
    const other = log.append('Other');
    const progress = progressOf(mine);
    const pending = new PendingLog(log.client(), source);
    await expect(pending.waitFor(other, 1_000, progress.source)).resolves.toBe(true);
    progress.set(null); // reset: `mine` is to be applied again
    await expect(pending.waitFor(other, 50, progress.source)).resolves.toBe(false);
  });

  it('reads ahead no further than maxPending, then follows the checkpoint', async () => {
    const log = new FakeLog();
    const events = Array.from({ length: 30 }, () => log.append('Mine'));
    const progress = progressOf(null);
    const pending = new PendingLog(log.client(), source, { pageSize: 5, maxPending: 10 });
    const waiting = pending.waitFor(events[29]!, 5_000, progress.source);
    await parkedOn(progress); // waiting for the runner, not reading on
    // Pages of five, each starting at the last event read: 13 known after three, then it stops.
    expect(log.reads).toBe(3);
    progress.set(events[9]!); // 3 left
    await parkedOn(progress);
    expect(log.reads).toBe(5); // 11 known
    progress.set(events[29]!);
    await expect(waiting).resolves.toBe(true);
  });
});
