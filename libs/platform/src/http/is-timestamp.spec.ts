import { isTimestamp } from './is-timestamp';

describe('isTimestamp', () => {
  it.each(['2020-02-29', '2026-01-31T12:00:00Z', '2026-01-31T12:00:00.123456+02:00', '2026-01-31 23:59:59', '2026-01-31T00:00-0530'])(
    'accepts %s',
    (value) => expect(isTimestamp(value)).toBe(true),
  );

  it.each([
    '2020-02-30',
    '2021-02-29',
    '2009-W01-1',
    '2009-001',
    '2026-13-01',
    '2026-01-31T24:00:00Z',
    '2026-01-31T12:60',
    '0000-01-01',
    'now',
    '',
    '2026-01-31T12:00:00+16:00',
  ])('refuses %s', (value) => expect(isTimestamp(value)).toBe(false));
});
