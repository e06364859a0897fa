import { describe, expect, it } from '@jest/globals';
import { compareCells, exportFileName, mergedSource, pageOfRows, readAllRows, shownColumns, tableSearchParams, type RowSource, type TableQuery } from './table-query';

const query = (q: Partial<TableQuery> = {}): TableQuery => ({ filters: {}, search: '', offset: 0, limit: 10, ...q });

describe('table queries', () => {
  it("asks the api with the merchant search's parameter names, leaving out empty filters and text", () => {
    expect(tableSearchParams(query({ sort: { key: 'actor', order: 'desc' }, filters: { action: 'SANCTION.LIFT', status: '' }, search: ' bob ', offset: 20, limit: 10 }), { testMerchants: 'exclude' }).toString())
      .toBe('testMerchants=exclude&limit=10&offset=20&action=SANCTION.LIFT&query=bob&sort=actor&order=desc');
    expect(tableSearchParams(query()).toString()).toBe('limit=10&offset=0');
  });

  it('compares numbers by value and texts any case, empty values last either way', () => {
    expect([3, 12, null, 1].sort((a, b) => compareCells(a, b, 'asc'))).toEqual([1, 3, 12, null]);
    expect([3, 12, null, 1].sort((a, b) => compareCells(a, b, 'desc'))).toEqual([12, 3, 1, null]);
    expect(['b', 'A', '', 'c'].sort((a, b) => compareCells(a, b, 'asc'))).toEqual(['A', 'b', 'c', '']);
    expect(['item 10', 'item 9'].sort((a, b) => compareCells(a, b, 'asc'))).toEqual(['item 9', 'item 10']);
  });

  it('filters, searches, sorts (stably) and slices rows in hand with the total of the filter', () => {
    const rows = [
      { id: 'a', channel: 'EMAIL', attempts: 2 },
      { id: 'b', channel: 'SMS', attempts: 1 },
      { id: 'c', channel: 'EMAIL', attempts: 1 },
      { id: 'd', channel: 'EMAIL', attempts: 5 },
    ];
    const cell = (row: (typeof rows)[number], key: string) => row[key as keyof typeof row];
    const ids = (q: Partial<TableQuery>) => pageOfRows(rows, query(q), cell, ['id']).items.map((r) => r.id);
    expect(ids({ filters: { channel: 'EMAIL' } })).toEqual(['a', 'c', 'd']);
    expect(ids({ sort: { key: 'attempts', order: 'asc' } })).toEqual(['b', 'c', 'a', 'd']);
    expect(ids({ sort: { key: 'attempts', order: 'desc' }, filters: { channel: 'EMAIL' }, offset: 1, limit: 1 })).toEqual(['a']);
    expect(pageOfRows(rows, query({ search: 'C' }), cell, ['id'])).toEqual({ items: [rows[2]], total: 1 });
    expect(pageOfRows(rows, query({ filters: { channel: 'EMAIL' }, limit: 1 }), cell, ['id']).total).toBe(3);
    // A cell of several values (an operator's roles) matches as the column says.
    const operators = [{ id: 'ann', roles: ['viewer', 'admin'] }, { id: 'ben', roles: ['reviewer'] }];
    const roles = pageOfRows(operators, query({ filters: { roles: 'admin' } }), (o, key) => String(o[key as keyof typeof o]), ['id'], (o, _key, value) => o.roles.includes(value));
    expect(roles.items.map((o) => o.id)).toEqual(['ann']);
  });

  it('reads every row of a filter page by page, stopping at the total or the cap', async () => {
    const all = Array.from({ length: 450 }, (_, i) => i);
    const asked: [number, number][] = [];
    const source: RowSource<number> = async (q) => {
      asked.push([q.offset, q.limit]);
      return { items: all.slice(q.offset, q.offset + q.limit), total: all.length };
    };
    expect(await readAllRows(source, { filters: {}, search: '' }, 200)).toEqual({ rows: all, capped: false });
    expect(asked).toEqual([[0, 200], [200, 200], [400, 200]]);
    const capped = await readAllRows(source, { filters: {}, search: '' }, 200, 300);
    expect(capped.rows).toEqual(all.slice(0, 300));
    expect(capped.capped).toBe(true);
  });

  it("merges several services' lists in the query's order, with the sum of their totals", async () => {
    const listOf = (rows: number[]): RowSource<number> => async (q) => {
      const sorted = [...rows].sort((a, b) => (q.sort?.order === 'desc' ? b - a : a - b));
      return { items: sorted.slice(q.offset, q.offset + q.limit), total: rows.length };
    };
    const merged = mergedSource([listOf([1, 4, 5, 9]), listOf([2, 3, 8])], (a, b, q) => (q.sort?.order === 'desc' ? b - a : a - b), 2);
    expect(await merged(query({ sort: { key: 'n', order: 'asc' }, offset: 0, limit: 3 }))).toEqual({ items: [1, 2, 3], total: 7 });
    expect(await merged(query({ sort: { key: 'n', order: 'asc' }, offset: 3, limit: 3 }))).toEqual({ items: [4, 5, 8], total: 7 });
    expect(await merged(query({ sort: { key: 'n', order: 'desc' }, offset: 0, limit: 4 }))).toEqual({ items: [9, 8, 5, 4], total: 7 });
    expect(await merged(query({ offset: 6, limit: 3 }))).toEqual({ items: [9], total: 7 });
  });

  it('shows the stored columns the table has, in its order; nothing stored or a malformed value: the defaults', () => {
    const keys = ['when', 'who', 'what', 'reason'];
    expect(shownColumns('["reason","who","gone"]', keys)).toEqual(['who', 'reason']);
    expect(shownColumns('[]', keys)).toEqual([]);
    expect(shownColumns(null, keys, ['when', 'who'])).toEqual(['when', 'who']);
    expect(shownColumns('{not json', keys)).toEqual(keys);
  });

  it('names an export by what it holds and when it was made', () => {
    expect(exportFileName('audit', new Date(2026, 11, 6, 9, 5, 1))).toBe('audit-20261206-090501.csv');
  });
});
