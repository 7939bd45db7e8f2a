/**
 * The opaque cursor of a dead-letter page: where the next page starts. Callers pass it back as
 * they got it; its content (the last id shown) may change without breaking them.
 */
export function encodeCursor(afterId: number): string {
  return Buffer.from(JSON.stringify({ after: afterId }), 'utf8').toString('base64url');
}

/** The id a page starts after, or undefined when `cursor` is not one this API handed out. */
export function decodeCursor(cursor: string): number | undefined {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    return Number.isSafeInteger(value.after) && (value.after as number) >= 0 ? (value.after as number) : undefined;
  } catch {
    return undefined;
  }
}
