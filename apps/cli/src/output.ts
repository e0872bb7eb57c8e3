/** How a table shows its cells: cut to a readable width unless `wide`. */
export interface TableOptions {
  wide?: boolean;
}

/** A cell longer than this is cut (with an ellipsis) unless --wide. */
export const MAX_CELL = 60;
const UUID = /\b([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

const text = (value: unknown): string => {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object')
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}` : v));
  return `${value as string | number | boolean | bigint}`;
};

/** UUIDs shown by their first 8 hex digits, long values (payloads) cut: a table fits a terminal. */
const shorten = (value: string): string => {
  const short = value.replace(UUID, '$1…');
  return short.length > MAX_CELL ? `${short.slice(0, MAX_CELL - 1)}…` : short;
};

/**
 * Renders rows as an aligned text table for people; commands print JSON instead when given --json.
 * `shortened` says whether any cell lost something (then --wide shows it all).
 */
export function renderTable(
  rows: Record<string, unknown>[],
  options: TableOptions = {},
): { text: string; shortened: boolean } {
  if (rows.length === 0) return { text: '(none)', shortened: false };
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  let shortened = false;
  const cell = (value: unknown): string => {
    const full = text(value);
    if (options.wide) return full;
    const short = shorten(full);
    if (short !== full) shortened = true;
    return short;
  };
  const cells = rows.map((row) => columns.map((c) => cell(row[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const line = (values: string[]): string =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return {
    text: [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n'),
    shortened,
  };
}

export const table = (rows: Record<string, unknown>[], options: TableOptions = {}): string =>
  renderTable(rows, options).text;

export function print(value: unknown, json: boolean, options: TableOptions = {}): void {
  if (json) {
    process.stdout.write(
      `${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`,
    );
    return;
  }
  const rows = Array.isArray(value)
    ? (value as Record<string, unknown>[])
    : Object.entries(value as Record<string, unknown>).map(([key, v]) => ({ key, value: v }));
  const rendered = renderTable(rows, options);
  process.stdout.write(`${rendered.text}\n`);
  // On stderr: the table on stdout stays the same for anyone piping it.
  if (rendered.shortened)
    process.stderr.write('(ids and long values shortened: --wide shows them in full)\n');
}
