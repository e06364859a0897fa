import { App, Button, Checkbox, Input, Popover, Select, Space, Table, type TableColumnsType, type TablePaginationConfig, type TableProps } from 'antd';
import type { SorterResult } from 'antd/es/table/interface';
import { useCallback, useEffect, useMemo, useRef, useState, type Key, type ReactNode } from 'react';
import { toCsv } from '../csv';
import { useT } from '../i18n';
import { exportFileName, pageOfRows, readAllRows, shownColumns, type CellValue, type RowSource, type SortOrder, type TablePage, type TableQuery } from '../table-query';

export interface DataColumn<Row> {
  /** The column's name: the api's sort key and filter parameter, and the key the chooser remembers. */
  key: string;
  title: string;
  render?: (row: Row) => ReactNode;
  /** The cell's value for sorting and filtering rows in hand and for the CSV (default: `row[key]`). */
  value?: (row: Row) => CellValue;
  sortable?: boolean;
  /** The direction of the first click (dates and counts most-first; names A to Z). */
  firstOrder?: SortOrder;
  /** A filter above the table offering these values (the api's parameter named `filterParam ?? key`). */
  filter?: { value: string; label: ReactNode }[];
  /** Whether a row in hand passes the filter's value (default: its value equals it). */
  matches?: (row: Row, value: string) => boolean;
  filterParam?: string;
  /** Always shown, not in the chooser. */
  fixed?: boolean;
  /** Not shown until the operator chooses it. */
  hidden?: boolean;
  /** Not in the CSV (action buttons). */
  noExport?: boolean;
  /** In the CSV as these columns instead of one (e.g. a `before → after` cell as a before and an after). */
  exportAs?: { header: string; value: (row: Row) => CellValue }[];
  ellipsis?: boolean;
  width?: number;
}

/** Rows asked of the api a page at a time (at most `maxPageSize`), or all in hand (a small fixed table). */
export type DataSource<Row> = { server: RowSource<Row>; maxPageSize: number; exportPageSize?: number } | { rows: readonly Row[] };

export interface DataTableProps<Row> {
  /** Prefix of the controls' element ids: `${id}-search`, `${id}-filter-${key}`, `${id}-columns-button`, `${id}-export`. */
  id: string;
  /** The table's data-testid (default `id`); its total is `${testId}-total`. */
  testId?: string;
  columns: DataColumn<Row>[];
  rowKey: (row: Row) => string;
  source: DataSource<Row>;
  /** The CSV file's name before its time stamp. */
  exportName: string;
  /** A free-text search box (the api's `query`; in hand: these columns' values). */
  search?: { placeholder: string; keys?: string[]; width?: number };
  pageSize?: number;
  /** Asks again every so often (a live page), keeping the page. */
  refreshMs?: number;
  /** Asks again whenever it changes (after an action on a row). */
  refreshKey?: unknown;
  /** Told of the rows shown. */
  onRows?: (rows: Row[]) => void;
  /** Where the chooser remembers the shown columns (default `table.${id}.columns`). */
  columnsKey?: string;
  /** The page's own controls, before the chooser and the export (filters that are not a column's). */
  toolbar?: ReactNode;
  /** Filters the page's own controls set (the api's parameter → value; undefined: none); a change starts again at the first page. */
  extraFilters?: Readonly<Record<string, string | undefined>>;
  tableProps?: Omit<TableProps<Row>, 'columns' | 'dataSource' | 'pagination' | 'onChange' | 'rowKey' | 'loading'>;
}

type Sort = { key: string; order: SortOrder };
const PAGE_SIZES = [10, 20, 50, 100, 200];
const toAntd = (order: SortOrder) => (order === 'asc' ? 'ascend' : 'descend');

/**
 * The dashboard's one table: sortable columns, filters, pages (by the api where it pages, in the
 * browser for small fixed tables), a column chooser remembered in localStorage and an export of every
 * row the current filter selects (up to 10,000) as CSV.
 */
export function DataTable<Row extends object>(props: DataTableProps<Row>) {
  const { id, columns, source, rowKey, exportName, search, refreshMs, refreshKey, onRows, toolbar, tableProps } = props;
  const testId = props.testId ?? id;
  const t = useT();
  const { message } = App.useApp();
  const columnsKey = props.columnsKey ?? `table.${id}.columns`;
  const optional = columns.filter((c) => !c.fixed);
  const [shown, setShown] = useState<string[]>(() =>
    shownColumns(localStorage.getItem(columnsKey), optional.map((c) => c.key), optional.filter((c) => !c.hidden).map((c) => c.key)),
  );
  const [typed, setTyped] = useState('');
  const [text, setText] = useState('');
  const [filters, setFilters] = useState<Record<string, string>>({});
  const [sort, setSort] = useState<Sort>();
  const [page, setPage] = useState({ current: 1, pageSize: props.pageSize ?? 10 });
  const [result, setResult] = useState<TablePage<Row>>({ items: [], total: 0 });
  const [loading, setLoading] = useState(false);
  const [exporting, setExporting] = useState(false);

  // The columns are written inline by the pages (new objects each render): read through a ref, so that
  // the rows asked for change only with the query, not with every render.
  const columnsRef = useRef(columns);
  columnsRef.current = columns;
  const searchKeysRef = useRef(search?.keys);
  searchKeysRef.current = search?.keys;
  const cell = useCallback((row: Row, key: string): CellValue => {
    const column = columnsRef.current.find((c) => c.key === key);
    return column?.value ? column.value(row) : ((row as Record<string, unknown>)[key] as CellValue);
  }, []);
  const server = 'server' in source ? source.server : undefined;
  const rowsInHand = 'rows' in source ? source.rows : undefined;
  // Rows in hand answer a query as the api would.
  const read: RowSource<Row> = useMemo(
    () =>
      server ??
      (async (q: TableQuery) =>
        pageOfRows(rowsInHand ?? [], q, cell, searchKeysRef.current ?? columnsRef.current.map((c) => c.key), (row, key, value) => {
          const matches = columnsRef.current.find((c) => c.key === key)?.matches;
          return matches ? matches(row, value) : String(cell(row, key) ?? '') === value;
        })),
    [server, rowsInHand, cell],
  );
  // The page's filters by value (a new object each render is the same filter).
  const extra = JSON.stringify(Object.entries(props.extraFilters ?? {}).filter((e): e is [string, string] => e[1] !== undefined));
  const query = useMemo(() => {
    // The api names a filter by its parameter; rows in hand by the column.
    const named = Object.entries(filters).map(([key, value]) => [server ? (columnsRef.current.find((c) => c.key === key)?.filterParam ?? key) : key, value]);
    return { sort, filters: Object.fromEntries([...(JSON.parse(extra) as [string, string][]), ...named]) as Record<string, string>, search: text };
  }, [sort, filters, text, server, extra]);
  const extraSeen = useRef(extra);
  useEffect(() => {
    if (extraSeen.current === extra) return;
    extraSeen.current = extra;
    setPage((p) => (p.current === 1 ? p : { ...p, current: 1 }));
  }, [extra]);

  useEffect(() => localStorage.setItem(columnsKey, JSON.stringify(shown)), [columnsKey, shown]);
  // Typing waits for a pause before it asks, and starts again at the first page.
  useEffect(() => {
    const timer = setTimeout(() => {
      setText(typed.trim());
      setPage((p) => (p.current === 1 ? p : { ...p, current: 1 }));
    }, 300);
    return () => clearTimeout(timer);
  }, [typed]);

  const latest = useRef(0);
  const load = useCallback((quiet: boolean) => {
    const ticket = ++latest.current;
    if (!quiet && server) setLoading(true);
    read({ ...query, offset: (page.current - 1) * page.pageSize, limit: page.pageSize })
      // An answer to a superseded request is dropped, so a slow one never overwrites a newer page.
      .then((r) => ticket === latest.current && setResult(r))
      .catch((e: Error) => ticket === latest.current && !quiet && void message.error(e.message))
      .finally(() => ticket === latest.current && setLoading(false));
  }, [read, query, page, message]);
  useEffect(() => load(false), [load]);
  // A row's action changed what the api answers: the same page again, quietly.
  const loadRef = useRef(load);
  loadRef.current = load;
  const refreshed = useRef(refreshKey);
  useEffect(() => {
    if (refreshed.current === refreshKey) return;
    refreshed.current = refreshKey;
    loadRef.current(true);
  }, [refreshKey]);
  useEffect(() => {
    if (!refreshMs) return;
    const timer = setInterval(() => load(true), refreshMs);
    return () => clearInterval(timer);
  }, [load, refreshMs]);
  useEffect(() => onRows?.(result.items), [result, onRows]);

  const visible = columns.filter((c) => c.fixed || shown.includes(c.key));
  const antdColumns: TableColumnsType<Row> = visible.map((c) => ({
    key: c.key,
    title: c.title,
    ellipsis: c.ellipsis,
    width: c.width,
    render: (_: unknown, row: Row) => (c.render ? c.render(row) : (cell(row, c.key) ?? '—')),
    ...(c.sortable
      ? { sorter: true, sortOrder: sort?.key === c.key ? toAntd(sort.order) : null, sortDirections: (c.firstOrder === 'desc' ? ['descend', 'ascend'] : ['ascend', 'descend']) as ('ascend' | 'descend')[] }
      : {}),
  }));

  const onChange = (pagination: TablePaginationConfig, _filters: unknown, sorter: SorterResult<Row> | SorterResult<Row>[]) => {
    const one = Array.isArray(sorter) ? sorter[0] : sorter;
    const next: Sort | undefined = one?.order && one.columnKey ? { key: String(one.columnKey), order: one.order === 'ascend' ? 'asc' : 'desc' } : undefined;
    const sortChanged = next?.key !== sort?.key || next?.order !== sort?.order;
    if (sortChanged) setSort(next);
    const pageSize = pagination.pageSize ?? page.pageSize;
    setPage({ current: sortChanged || pageSize !== page.pageSize ? 1 : (pagination.current ?? 1), pageSize });
  };
  const setFilter = (key: string, value: string | undefined) => {
    setFilters((current) => {
      const next = { ...current };
      if (value === undefined) delete next[key];
      else next[key] = value;
      return next;
    });
    setPage((p) => ({ ...p, current: 1 }));
  };

  /** Every row of the current filter and sort (up to 10,000), page by page, as a CSV download. */
  const exportCsv = async () => {
    setExporting(true);
    try {
      const pageSize = 'server' in source ? (source.exportPageSize ?? Math.min(200, source.maxPageSize)) : Math.max(1, source.rows.length);
      const { rows, capped } = await readAllRows(read, query, pageSize);
      const exported = visible.filter((c) => !c.noExport);
      const csv = toCsv(rows, exported.flatMap((c) => c.exportAs ?? [{ header: c.title, value: (row: Row) => cell(row, c.key) }]));
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
      link.download = exportFileName(exportName, new Date());
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      if (capped) void message.warning(t('exportCapped'));
    } catch (e) {
      void message.error((e as Error).message);
    } finally {
      setExporting(false);
    }
  };

  const chooser = (
    <Checkbox.Group value={shown} onChange={(v) => setShown(optional.map((c) => c.key).filter((k) => v.includes(k)))} data-testid={`${id}-columns`}
      style={{ display: 'flex', flexDirection: 'column', gap: 4 }}
      options={optional.map((c) => ({ value: c.key, label: c.title }))} />
  );
  return (
    <div>
      <Space wrap size={8} style={{ marginBottom: 8 }}>
        {search && (
          <Input.Search id={`${id}-search`} placeholder={search.placeholder} aria-label={search.placeholder} value={typed} onChange={(e) => setTyped(e.target.value)} style={{ width: search.width ?? 260 }} allowClear size="small" />
        )}
        {columns.filter((c) => c.filter).map((c) => (
          <Select key={c.key} id={`${id}-filter-${c.key}`} aria-label={c.title} placeholder={`${c.title}: ${t('all')}`} allowClear size="small" style={{ minWidth: 160 }}
            value={filters[c.key]} onChange={(v?: string) => setFilter(c.key, v)} options={c.filter} popupMatchSelectWidth={false} virtual={false} />
        ))}
        {toolbar}
        <Popover content={chooser} trigger="click" placement="bottomLeft">
          <Button id={`${id}-columns-button`} size="small">{t('columns')}</Button>
        </Popover>
        <Button id={`${id}-export`} size="small" onClick={() => void exportCsv()} loading={exporting}>{t('exportCsv')}</Button>
      </Space>
      {/* The sort hint on the sorter icon only: over the whole header it covered the toolbar above. */}
      <Table<Row> size="small" showSorterTooltip={{ target: 'sorter-icon' }} {...tableProps} rowKey={(row) => rowKey(row) as Key} dataSource={result.items} columns={antdColumns} loading={loading} onChange={onChange} data-testid={testId}
        pagination={{
          ...page, total: result.total, showSizeChanger: result.total > PAGE_SIZES[0], hideOnSinglePage: false,
          pageSizeOptions: PAGE_SIZES.filter((n) => !('server' in source) || n <= source.maxPageSize),
          showTotal: (n) => <span data-testid={`${testId}-total`}>{t('total')} {n}</span>,
        }} />
    </div>
  );
}
