const MAX_CELL = 60;

const clip = (text: string): string => (text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text);

/** A plain aligned text table; long cells are cut so one row stays one line. */
export function renderTable(headings: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = rows.map((row) => row.map((cell) => clip(cell === null || cell === undefined ? '-' : String(cell))));
  const widths = headings.map((heading, column) => Math.max(heading.length, ...cells.map((row) => row[column]?.length ?? 0)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd();
  return [line(headings), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n');
}

/** `2025-01-02T03:04:05.678Z` → `2025-01-02 03:04:05Z`. */
export function formatTime(value: unknown): string {
  if (typeof value !== 'string' || value === '') return '-';
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? value : `${time.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** Key-value lines with the keys aligned. */
export function renderFields(fields: readonly (readonly [string, unknown])[]): string {
  const width = Math.max(...fields.map(([key]) => key.length));
  return fields
    .map(([key, value]) => `${`${key}:`.padEnd(width + 1)} ${value === null || value === undefined ? '-' : String(value)}`)
    .join('\n');
}
