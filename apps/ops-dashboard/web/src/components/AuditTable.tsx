import { Table, Tag } from 'antd';
import { shanghaiTime } from '../format';
import { useT } from '../i18n';
import { EnumText } from './EnumText';
import { ShortId } from './ShortId';

/** One entry of a service's audit trail (GET /v1/merchants/{id}/audit, GET /v1/audit). */
export interface AuditEntry {
  id: string;
  occurredAt: string;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  reason: string;
}

/** Who did what, when and why, newest first. */
export function AuditTable({ entries, testId }: { entries: AuditEntry[]; testId: string }) {
  const t = useT();
  return (
    <Table size="small" rowKey="id" dataSource={entries} pagination={{ pageSize: 10 }} data-testid={testId}
      columns={[
        { title: t('when'), dataIndex: 'occurredAt', render: shanghaiTime },
        { title: t('who'), dataIndex: 'actor' },
        { title: t('what'), dataIndex: 'action', render: (a: string) => <Tag><EnumText kind="auditAction" value={a} /></Tag> },
        { title: t('subject'), key: 'subject', render: (_: unknown, e: AuditEntry) => <span><EnumText kind="auditSubject" value={e.subjectType} /> <ShortId id={e.subjectId} /></span> },
        { title: t('reason'), dataIndex: 'reason', ellipsis: true },
      ]} />
  );
}
