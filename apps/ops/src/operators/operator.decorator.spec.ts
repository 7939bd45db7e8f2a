import { operatorOf } from './operator.decorator';

describe('operatorOf', () => {
  it.each([
    ['alice', 'alice'],
    ['  bob.smith@example.com ', 'bob.smith@example.com'],
    [['carol', 'mallory'], 'carol'],
    [undefined, 'operator'],
    ['', 'operator'],
    ['eve\nforged log line', 'operator'],
    ['x'.repeat(65), 'operator'],
  ])('names %j as %j', (header, expected) => {
    expect(operatorOf(header as string | string[] | undefined)).toBe(expected);
  });
});
