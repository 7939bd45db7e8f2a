import { cursorAfter, InvalidListQuery, parseListQuery } from './checkout-list.query';

const refusal = (query: Record<string, string>): string | undefined => {
  try {
    parseListQuery(query);
    return undefined;
  } catch (error) {
    return error instanceof InvalidListQuery ? error.code : String(error);
  }
};

describe('parseListQuery', () => {
  it('given no parameters, when parsed, then it asks for the newest 20 of any status', () => {
    expect(parseListQuery({})).toEqual({ limit: 20 });
  });

  it('given every parameter, when parsed, then each becomes part of the filter', () => {
    const cursor = cursorAfter('4711');
    expect(
      parseListQuery({
        status: 'rejected',
        createdFrom: '2026-01-01T00:00:00Z',
        createdTo: '2026-02-01T00:00:00.000+01:00',
        cursor,
        limit: '100',
      }),
    ).toEqual({
      status: 'rejected',
      createdFrom: new Date('2026-01-01T00:00:00Z'),
      createdTo: new Date('2026-01-31T23:00:00Z'),
      before: 4711n,
      limit: 100,
    });
  });

  it('given a cursor this API made, when parsed back, then it names the same position and reads as nothing in particular', () => {
    const cursor = cursorAfter('123456789012');
    expect(cursor).not.toContain('123456789012');
    expect(parseListQuery({ cursor }).before).toBe(123456789012n);
  });

  it.each([
    [{ limit: '0' }, 'INVALID_LIMIT'],
    [{ limit: '101' }, 'INVALID_LIMIT'],
    [{ limit: '2.5' }, 'INVALID_LIMIT'],
    [{ limit: 'many' }, 'INVALID_LIMIT'],
    [{ status: 'done' }, 'INVALID_STATUS'],
    [{ merchantId: 'shop-1' }, 'INVALID_MERCHANT_ID'],
    [{ createdFrom: 'yesterday' }, 'INVALID_DATE'],
    [{ createdTo: '2026-02-30' }, 'INVALID_DATE'],
    [{ createdTo: '2026-13-01T00:00:00Z' }, 'INVALID_DATE'],
    [{ createdFrom: '2026-02-01T00:00:00Z', createdTo: '2026-01-01T00:00:00Z' }, 'INVALID_DATE_RANGE'],
    [{ cursor: 'not a cursor' }, 'INVALID_CURSOR'],
    [{ cursor: Buffer.from('c1:-1').toString('base64url') }, 'INVALID_CURSOR'],
    [{ cursor: Buffer.from('c2:10').toString('base64url') }, 'INVALID_CURSOR'],
  ])('given %j, when parsed, then it is refused with %s', (query, code) => {
    expect(refusal(query)).toBe(code);
  });
});
