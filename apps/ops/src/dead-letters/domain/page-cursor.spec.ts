import { decodeCursor, encodeCursor } from './page-cursor';

describe('a dead-letter page cursor', () => {
  it('gives back the id it was made from', () => {
    expect(decodeCursor(encodeCursor(0))).toBe(0);
    expect(decodeCursor(encodeCursor(9_007_199_254_740_991))).toBe(9_007_199_254_740_991);
  });

  it('is URL-safe text that does not show a bare id', () => {
    expect(encodeCursor(12345)).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(encodeCursor(12345)).not.toBe('12345');
  });

  it('refuses what it did not make', () => {
    for (const forged of [
      '',
      'not a cursor',
      Buffer.from('{"after":-1}').toString('base64url'),
      Buffer.from('[1]').toString('base64url'),
    ]) {
      expect(decodeCursor(forged)).toBeUndefined();
    }
  });
});
