import { Injectable } from '@nestjs/common';
import { type RebuildProgress } from '@shop/projections';

export interface RebuildRun {
  name: string;
  state: 'rebuilding' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  progress: RebuildProgress | null;
  error: string | null;
}

/**
 * The last rebuild started through this API process, per projection, with its progress: the 202 of
 * POST .../rebuild returns at once, so an operator (the console) follows the run here.
 */
@Injectable()
export class RebuildTracker {
  private readonly runs = new Map<string, RebuildRun>();

  /** Runs `rebuild`, recording its progress; never rejects (the failure is recorded instead). */
  track(
    name: string,
    rebuild: (onProgress: (progress: RebuildProgress) => void) => Promise<RebuildProgress>,
  ): void {
    const run: RebuildRun = {
      name,
      state: 'rebuilding',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      progress: null,
      error: null,
    };
    this.runs.set(name, run);
    void rebuild((progress) => (run.progress = progress)).then(
      (result) => Object.assign(run, { state: 'done', progress: result, finishedAt: now() }),
      (error: unknown) =>
        Object.assign(run, {
          state: 'failed',
          error: error instanceof Error ? error.message : String(error),
          finishedAt: now(),
        }),
    );
  }

  last(name: string): RebuildRun | null {
    return this.runs.get(name) ?? null;
  }
}

const now = () => new Date().toISOString();
