import { Tag } from 'antd';
import { useCallback, useMemo } from 'react';
import { call, type Service } from '../api';
import { shanghaiTime } from '../format';
import { codesOf, useCodes, useT } from '../i18n';
import { compareCells, mergedSource, tableSearchParams, type RowSource, type TableQuery } from '../table-query';
import { DataTable, type DataColumn } from './DataTable';
import { EnumText } from './EnumText';
import { ShortId } from './ShortId';

/** One entry of a service's audit trail (GET /v1/merchants/{id}/audit, GET /v1/audit). */
export interface AuditEntry {
  id: string;
  occurredAt: string;
  actor: string;
  action: string;
  merchantId: string;
  subjectType: string;
  subjectId: string;
  reason: string;
  /** Which service's trail, where several are shown as one. */
  service?: Service;
}

/** The audit routes' page bound (limit ≤ 500). */
const AUDIT_MAX_PAGE = 500;

/** An audit route's page for a table query. */
export const auditPage = async (service: Service, path: string, query: TableQuery) => {
  const r = await call<{ items: AuditEntry[]; total: number }>(service, `${path}?${tableSearchParams(query)}`);
  return { items: r.items, total: r.total };
};

/** The order the audit routes sort in (ties newest first), to merge several services' pages. */
function compareEntries(a: AuditEntry, b: AuditEntry, query: TableQuery): number {
  const key = (query.sort?.key ?? 'occurredAt') as keyof AuditEntry;
  const order = query.sort?.order ?? (key === 'occurredAt' ? 'desc' : 'asc');
  const value = (e: AuditEntry) => (key === 'occurredAt' ? Date.parse(e.occurredAt) : e[key]);
  return compareCells(value(a), value(b), order) || Date.parse(b.occurredAt) - Date.parse(a.occurredAt) || compareCells(b.id, a.id, 'asc');
}

/** Who did what, when and why, newest first: sorted, filtered and paged by the api. */
export function AuditTable({ id, source, withMerchant, withService, refreshKey }: { id: string; source: RowSource<AuditEntry>; withMerchant?: boolean; withService?: boolean; refreshKey?: unknown }) {
  const t = useT();
  const codes = useCodes();
  const columns: DataColumn<AuditEntry>[] = [
    { key: 'occurredAt', title: t('when'), sortable: true, firstOrder: 'desc', render: (e) => shanghaiTime(e.occurredAt) },
    { key: 'actor', title: t('who'), sortable: true },
    {
      key: 'action', title: t('what'), sortable: true, render: (e) => <Tag><EnumText kind="auditAction" value={e.action} /></Tag>,
      filter: codesOf('auditAction').map((a) => ({ value: a, label: <span title={a}>{codes('auditAction', a)}</span> })),
    },
    {
      key: 'subjectType', title: t('subject'), sortable: true, render: (e) => <EnumText kind="auditSubject" value={e.subjectType} />,
      filter: codesOf('auditSubject').map((s) => ({ value: s, label: <span title={s}>{codes('auditSubject', s)}</span> })),
    },
    { key: 'subjectId', title: 'ID', render: (e) => <ShortId id={e.subjectId} /> },
    ...(withMerchant ? [{ key: 'merchantId', title: t('merchant'), sortable: true, render: (e: AuditEntry) => e.merchantId || '—' }] : []),
    { key: 'reason', title: t('reason'), ellipsis: true },
    ...(withService ? [{ key: 'service', title: t('service'), hidden: true }] : []),
  ];
  return (
    <DataTable<AuditEntry> id={id} columns={columns} rowKey={(e) => `${e.service ?? ''}/${e.id}`} source={{ server: source, maxPageSize: AUDIT_MAX_PAGE, exportPageSize: withService ? 10_000 : undefined }}
      exportName={id} search={{ placeholder: t('searchAudit') }} refreshMs={5_000} refreshKey={refreshKey} />
  );
}

/** The api's whole audit trail (admins). */
export function OperatorAuditTable({ refreshKey }: { refreshKey?: unknown }) {
  const source = useCallback((query: TableQuery) => auditPage('api', '/v1/audit', query), []);
  return <AuditTable id="audit" source={source} withMerchant refreshKey={refreshKey} />;
}

/** A merchant's audit trail in the scoring and the sanction service, as one table. */
export function MerchantAuditTable({ merchantId }: { merchantId: string }) {
  const source = useMemo(() => {
    const path = `/v1/merchants/${encodeURIComponent(merchantId)}/audit`;
    // A service that does not answer leaves its entries out rather than the other's.
    const of = (service: Service): RowSource<AuditEntry> => (query) =>
      auditPage(service, path, query).then((page) => ({ ...page, items: page.items.map((e) => ({ ...e, service })) }), () => ({ items: [], total: 0 }));
    return mergedSource([of('scoring-service'), of('sanction-service')], compareEntries, AUDIT_MAX_PAGE);
  }, [merchantId]);
  return <AuditTable id="merchant-audit" source={source} withService />;
}
