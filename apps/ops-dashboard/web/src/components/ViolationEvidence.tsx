import { Alert, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { call } from '../api';
import { useT } from '../i18n';
import { DataTable } from './DataTable';
import { EnumText } from './EnumText';
import { ShortId } from './ShortId';

/** A violation as the scoring service explains it: its listings and the evidence it came with. */
interface ExplainedViolation {
  violationId: string;
  code: string;
  itemIds: string[];
  /** null: assessed before the platform kept evidence. */
  evidence: { kind: string; uri: string; sha256: string }[] | null;
}

/** What a review item is about: a penalty's or a forgery case's violation, or a sanction (whose node the violations' points reached). */
export interface EvidenceSubject {
  subjectKind: string;
  subjectId: string;
  violationId?: string;
}

/** The most violations shown for one sanction (its node's points came from at most this many in practice). */
const MAX_VIOLATIONS = 20;

async function violationIdsOf(subject: EvidenceSubject): Promise<string[]> {
  if (subject.violationId) return [subject.violationId];
  if (subject.subjectKind === 'PENALTY') return [subject.subjectId];
  if (subject.subjectKind !== 'SANCTION') return [];
  const explanation = await call<{ inputs: { counted: { violationId: string }[] } }>('sanction-service', `/v1/decisions/${encodeURIComponent(subject.subjectId)}/explanation`);
  return explanation.inputs.counted.map((c) => c.violationId).slice(0, MAX_VIOLATIONS);
}

/** Only web addresses become links; any other URI (an object store's) is shown as written. */
const isWebAddress = (uri: string) => /^https?:\/\//i.test(uri);

/** One row a violation's evidence item (a violation without any: one row, its evidence empty or not kept). */
interface EvidenceRow {
  violationId: string;
  code: string;
  itemIds: string[];
  item: { kind: string; uri: string; sha256: string } | null;
  /** false: assessed before the platform kept evidence. */
  kept: boolean;
}

const rowsOf = (violations: readonly ExplainedViolation[]): EvidenceRow[] =>
  violations.flatMap((v): EvidenceRow[] => {
    const base = { violationId: v.violationId, code: v.code, itemIds: v.itemIds, kept: v.evidence !== null };
    return v.evidence && v.evidence.length > 0 ? v.evidence.map((item) => ({ ...base, item })) : [{ ...base, item: null }];
  });

const NO_ROWS: EvidenceRow[] = [];

/** The violations behind a review item, each with its item ids and the evidence it came with (kind, where it is kept, SHA-256): a row per evidence item. */
export function ViolationEvidence({ subject, exportName }: { subject: EvidenceSubject; exportName: string }) {
  const t = useT();
  const [rows, setRows] = useState<EvidenceRow[]>();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let current = true;
    violationIdsOf(subject)
      .then((ids) => Promise.all(ids.map((id) => call<{ inputs: { violation: ExplainedViolation } }>('scoring-service', `/v1/decisions/${encodeURIComponent(id)}/explanation`))))
      .then((explained) => current && setRows(rowsOf(explained.map((e) => e.inputs.violation))))
      .catch(() => current && setFailed(true));
    return () => {
      current = false;
    };
  }, [subject.subjectKind, subject.subjectId, subject.violationId]);
  if (failed) return <Alert type="warning" showIcon message={t('violationEvidenceFailed')} />;
  if (rows?.length === 0) return <Typography.Text type="secondary">{t('violationEvidenceNone')}</Typography.Text>;
  return (
    <DataTable<EvidenceRow> id="violation-evidence" testId="violation-evidence" rowKey={(r) => `${r.violationId}/${r.item?.sha256 ?? ''}/${r.item?.uri ?? ''}`} source={{ rows: rows ?? NO_ROWS }} exportName={exportName}
      columns={[
        { key: 'violationId', title: t('violation'), sortable: true, render: (r) => <ShortId id={r.violationId} /> },
        { key: 'code', title: t('violationType'), render: (r) => <EnumText kind="violationCode" value={r.code} /> },
        { key: 'itemIds', title: t('itemIds'), value: (r) => r.itemIds.join(' '), render: (r) => (r.itemIds.length > 0 ? <Space size={4} wrap>{r.itemIds.map((id) => <Tag key={id}>{id}</Tag>)}</Space> : t('noEvidence')) },
        { key: 'kind', title: t('kind'), sortable: true, value: (r) => r.item?.kind ?? '', render: (r) => (r.item ? <Tag>{r.item.kind}</Tag> : r.kept ? t('noEvidence') : <Typography.Text type="secondary">{t('violationEvidenceNotKept')}</Typography.Text>) },
        {
          key: 'uri', title: t('evidence'), value: (r) => r.item?.uri ?? '',
          render: (r) => r.item && (isWebAddress(r.item.uri) ? <a href={r.item.uri} target="_blank" rel="noopener noreferrer">{r.item.uri}</a> : <Typography.Text code>{r.item.uri}</Typography.Text>),
        },
        {
          key: 'sha256', title: t('sha256'), value: (r) => r.item?.sha256 ?? '',
          render: (r) => r.item && <Typography.Text code copyable={{ text: r.item.sha256, tooltips: [t('copy'), t('copied')] }} title={r.item.sha256}>{`${r.item.sha256.slice(0, 12)}…`}</Typography.Text>,
        },
      ]} />
  );
}
