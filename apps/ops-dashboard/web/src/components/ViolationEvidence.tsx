import { Alert, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { call } from '../api';
import { useT } from '../i18n';
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

/** The violations behind a review item, each with its item ids and the evidence it came with (kind, where it is kept, SHA-256). */
export function ViolationEvidence({ subject }: { subject: EvidenceSubject }) {
  const t = useT();
  const [violations, setViolations] = useState<ExplainedViolation[]>();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let current = true;
    violationIdsOf(subject)
      .then((ids) => Promise.all(ids.map((id) => call<{ inputs: { violation: ExplainedViolation } }>('scoring-service', `/v1/decisions/${encodeURIComponent(id)}/explanation`))))
      .then((explained) => current && setViolations(explained.map((e) => e.inputs.violation)))
      .catch(() => current && setFailed(true));
    return () => {
      current = false;
    };
  }, [subject.subjectKind, subject.subjectId, subject.violationId]);
  if (failed) return <Alert type="warning" showIcon message={t('violationEvidenceFailed')} />;
  if (violations?.length === 0) return <Typography.Text type="secondary">{t('violationEvidenceNone')}</Typography.Text>;
  return (
    <Table<ExplainedViolation> size="small" pagination={false} rowKey="violationId" dataSource={violations ?? []} loading={violations === undefined} data-testid="violation-evidence"
      columns={[
        { title: t('violation'), dataIndex: 'violationId', render: (id: string) => <ShortId id={id} /> },
        { title: t('violationType'), dataIndex: 'code', render: (code: string) => <EnumText kind="violationCode" value={code} /> },
        { title: t('itemIds'), dataIndex: 'itemIds', render: (ids: string[]) => (ids.length > 0 ? <Space size={4} wrap>{ids.map((id) => <Tag key={id}>{id}</Tag>)}</Space> : t('noEvidence')) },
        {
          title: t('evidence'), dataIndex: 'evidence',
          render: (evidence: ExplainedViolation['evidence']) => {
            if (evidence === null) return <Typography.Text type="secondary">{t('violationEvidenceNotKept')}</Typography.Text>;
            if (evidence.length === 0) return t('noEvidence');
            return (
              <Space direction="vertical" size={2}>
                {evidence.map((e) => (
                  <span key={`${e.sha256}/${e.uri}`} data-testid="violation-evidence-item">
                    <Tag>{e.kind}</Tag>
                    {isWebAddress(e.uri) ? <a href={e.uri} target="_blank" rel="noopener noreferrer">{e.uri}</a> : <Typography.Text code>{e.uri}</Typography.Text>}{' '}
                    <Typography.Text code copyable={{ text: e.sha256, tooltips: [t('copy'), t('copied')] }} title={e.sha256}>{`${e.sha256.slice(0, 12)}…`}</Typography.Text>
                  </span>
                ))}
              </Space>
            );
          },
        },
      ]} />
  );
}
