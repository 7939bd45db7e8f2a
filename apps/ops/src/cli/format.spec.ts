import { formatTime, renderFields, renderTable } from './format';

describe('CLI formatting', () => {
  it('aligns a table and marks missing cells', () => {
    expect(
      renderTable(
        ['ID', 'QUEUE'],
        [
          [1, 'fraud.account-events'],
          [22, null],
        ],
      ).split('\n'),
    ).toEqual(['ID  QUEUE', '--  --------------------', '1   fraud.account-events', '22  -']);
  });

  it('cuts long cells so a row stays on one line', () => {
    const [, , row] = renderTable(['BODY'], [['x'.repeat(100)]]).split('\n');
    expect(row).toHaveLength(60);
    expect(row.endsWith('…')).toBe(true);
  });

  it('shows times to the second in UTC', () => {
    expect(formatTime('2025-01-02T03:04:05.678Z')).toBe('2025-01-02 03:04:05Z');
    expect(formatTime(null)).toBe('-');
    expect(formatTime('soon')).toBe('soon');
  });

  it('aligns key-value fields', () => {
    expect(
      renderFields([
        ['Id', 7],
        ['Message id', 'm'],
      ]),
    ).toBe('Id:         7\nMessage id: m');
  });
});
