import { applyEdits } from './edit-body';
import { CliError } from './ops-client';

describe('applyEdits', () => {
  const stored = JSON.stringify({ eventId: 'e-1', type: 'AccountOpened', data: { name: 'Ada', currency: 'euro', address: { city: 'X' } } });

  it('sets each path to its JSON value, or else to the text, and keeps the rest as stored', () => {
    const edited = JSON.parse(applyEdits(stored, ['data.currency=EUR', 'data.limit=500', 'data.address.city="007"', 'data.flag=true']));
    expect(edited).toEqual({
      eventId: 'e-1',
      type: 'AccountOpened',
      data: { name: 'Ada', currency: 'EUR', limit: 500, address: { city: '007' }, flag: true },
    });
  });

  it('keeps an = inside the value', () => {
    expect(JSON.parse(applyEdits(stored, ['data.name=a=b'])).data.name).toBe('a=b');
  });

  it('refuses a path that is not one, or that runs through something other than an object', () => {
    for (const edit of ['currency', '=EUR', 'data..currency=EUR', 'data.name.first=A', 'nothing.here=1']) {
      expect(() => applyEdits(stored, [edit])).toThrow(CliError);
    }
    expect(() => applyEdits('not json', ['data.a=1'])).toThrow(/--body-file/);
  });
});
