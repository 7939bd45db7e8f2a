import { WhereClause } from './where-clause';

describe('WhereClause', () => {
  it('numbers each value in the order the conditions were added, and the limit after them', () => {
    const where = new WhereClause('outcome IS NOT NULL').add('actor = ?', 'ada').add('(at, id) < (?, ?)', '2026-12-07', '42');
    const limit = where.param(50);
    expect(where.sql).toBe('outcome IS NOT NULL AND actor = $1 AND (at, id) < ($2, $3)');
    expect(limit).toBe('$4');
    expect(where.params).toEqual(['ada', '2026-12-07', '42', 50]);
  });

  it('matches every row when no filter is given', () => {
    expect(new WhereClause().sql).toBe('true');
  });
});
