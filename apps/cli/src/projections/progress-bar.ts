import { type RebuildProgress } from '@shop/projections';
import { SingleBar } from 'cli-progress';

/**
 * A live progress bar on stderr (stdout stays clean for --json). When stderr is not a terminal (CI, logs,
 * a pipe) it prints the bar as a plain line at the start, every 2 s and at the end instead of redrawing.
 */
export function rebuildProgressBar(name: string): { update(p: RebuildProgress): void; stop(): void } {
  const bar = new SingleBar({
    format: `${name} [{bar}] {value}/{total} events | {rate} events/s | ETA {etaText}`,
    stream: process.stderr,
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 2_000,
  });
  let started = false;
  return {
    update: (p) => {
      const payload = { rate: p.eventsPerSecond, etaText: p.etaSeconds === null ? '?' : `${p.etaSeconds}s` };
      if (!started) {
        bar.start(Math.max(p.total, 1), p.processed, payload);
        started = true;
      }
      bar.setTotal(Math.max(p.total, p.processed, 1));
      bar.update(p.processed, payload);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
