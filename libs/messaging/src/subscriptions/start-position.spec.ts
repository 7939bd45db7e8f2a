import { parseStartPosition } from './start-position';

describe('parseStartPosition', () => {
  it('reads `now` as the head, whatever its case and spacing', () => {
    expect(parseStartPosition('now')).toEqual({ kind: 'now' });
    expect(parseStartPosition(' NOW ')).toEqual({ kind: 'now' });
  });

  it('reads a non-negative whole number as a global position, 0 being all history', () => {
    expect(parseStartPosition('0')).toEqual({ kind: 'position', position: 0 });
    expect(parseStartPosition(1234)).toEqual({ kind: 'position', position: 1234 });
  });

  it('refuses anything else', () => {
    for (const text of ['', '-1', '1.5', 'later', '1e3', '0x10', '99999999999999999999']) expect(parseStartPosition(text)).toBeUndefined();
  });
});
