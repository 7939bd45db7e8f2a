/** Where a newly registered subscription starts: at a global position (`0` is all history), or at the head (`now`). */
export type StartPosition = { kind: 'position'; position: number } | { kind: 'now' };

/** Parses an operator's start position: `now`, or a non-negative whole number; undefined when it is neither. */
export function parseStartPosition(text: string | number): StartPosition | undefined {
  const value = String(text).trim().toLowerCase();
  if (value === 'now') return { kind: 'now' };
  if (!/^\d+$/.test(value)) return undefined;
  const position = Number(value);
  return Number.isSafeInteger(position) ? { kind: 'position', position } : undefined;
}
