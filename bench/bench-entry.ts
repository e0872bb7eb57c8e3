/**
 * One measured number. Every benchmark reports a ratio against a baseline measured in the same run,
 * because absolute numbers drift on shared machines. `baseline` is null where no meaningful baseline exists.
 */
export interface BenchEntry {
  name: string;
  value: number;
  unit: string;
  baseline: number | null;
  ratio: number | null;
  /** Optional target the README states, e.g. ">= 15000". */
  target?: string;
}

export interface BenchSuite {
  /** Short name, used to select the suite: `npm run bench -- <name>`. */
  name: string;
  run(): Promise<BenchEntry[]>;
}

export const entry = (
  name: string,
  value: number,
  unit: string,
  baseline: number | null = null,
  target?: string,
): BenchEntry => ({
  name,
  value: round(value),
  unit,
  baseline: baseline === null ? null : round(baseline),
  ratio: baseline ? round(value / baseline, 3) : null,
  ...(target ? { target } : {}),
});

const round = (n: number, digits = 1): number => Number(n.toFixed(digits));
