import { orderByClause, totalOfPage } from './table-page';

describe('table pages', () => {
  const columns = { occurredAt: 'e.occurred_at', actor: 'lower(e.actor)' } as const;

  it('orders by the whitelisted column in either direction, empty values last, then the tie-breakers', () => {
    expect(orderByClause(columns, 'actor', 'asc', ['e.id DESC'])).toBe('ORDER BY lower(e.actor) ASC NULLS LAST, e.id DESC');
    expect(orderByClause(columns, 'occurredAt', 'desc', ['e.id DESC', 'e.merchant_id'])).toBe('ORDER BY e.occurred_at DESC NULLS LAST, e.id DESC, e.merchant_id');
  });

  it('refuses a key outside the table (a caller that skipped validation)', () => {
    expect(() => orderByClause(columns, 'reason; DROP TABLE audit_entry' as 'actor', 'asc', [])).toThrow('no column for sort key');
  });

  it("takes the total from the page's rows, counts a page past the end alone, and an empty first page as none", async () => {
    const countAll = jest.fn(async () => 7);
    expect(await totalOfPage([{ total: '12' }, { total: '12' }], 10, countAll)).toBe(12);
    expect(await totalOfPage([], 0, countAll)).toBe(0);
    expect(countAll).not.toHaveBeenCalled();
    expect(await totalOfPage([], 50, countAll)).toBe(7);
    expect(countAll).toHaveBeenCalledTimes(1);
  });
});
