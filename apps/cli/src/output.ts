/** Renders rows as an aligned text table for people; commands print JSON instead when given --json. */
export function table(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '(none)';
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: unknown): string => {
    if (value === undefined || value === null) return '';
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'object')
      return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}` : v));
    return `${value as string | number | boolean | bigint}`;
  };
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((row) => cell(row[c]).length)));
  const line = (values: string[]): string =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(columns),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((row) => line(columns.map((c) => cell(row[c])))),
  ].join('\n');
}

export function print(value: unknown, json: boolean): void {
  if (json) {
    process.stdout.write(
      `${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`,
    );
  } else if (Array.isArray(value)) {
    process.stdout.write(`${table(value as Record<string, unknown>[])}\n`);
  } else {
    const rows = Object.entries(value as Record<string, unknown>).map(([key, v]) => ({ key, value: v }));
    process.stdout.write(`${table(rows)}\n`);
  }
}
