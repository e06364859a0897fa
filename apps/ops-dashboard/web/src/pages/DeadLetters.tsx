import { App, Button, Card, Input, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { call, type Me } from '../api';
import { shanghaiTime } from '../format';
import { DataTable } from '../components/DataTable';
import { EnumText } from '../components/EnumText';
import { codesOf, useCodes, useT } from '../i18n';
import { tableSearchParams, type TableQuery } from '../table-query';

interface DeadLetter {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  reason: string;
  message: string;
  sourceTopic: string;
  deadAt: string;
  replayedAt: string | null;
  replayedBy: string | null;
}
const idOf = (d: DeadLetter) => `${d.topic}[${d.partition}]@${d.offset}`;
/** The topics whose consumers dead-letter (the public contract's and the rulebook versions'). */
const SOURCE_TOPICS = ['violations.detected.v1', 'merchants.profiles.v1', 'penalties.assessed.v1', 'sanctions.decided.v1', 'remedies.updated.v1', 'rules.versions.v1'];
/** GET /v1/ops/dead-letters' page bound (limit ≤ 1000). */
const DEAD_LETTER_MAX_PAGE = 1000;

/** Dead letters of every topic with their reason, sorted, filtered and paged by the api; admins replay one or many to the source topic after a fix. */
export function DeadLetters({ me }: { me: Me }) {
  const t = useT();
  const codes = useCodes();
  const { message } = App.useApp();
  const [items, setItems] = useState<DeadLetter[]>([]);
  const [selected, setSelected] = useState<string[]>([]);
  const [reason, setReason] = useState('');
  const [version, setVersion] = useState(0);
  const source = useCallback(async (query: TableQuery) => {
    const r = await call<{ items: DeadLetter[]; total: number }>('api', `/v1/ops/dead-letters?${tableSearchParams(query)}`);
    return { items: r.items, total: r.total };
  }, []);
  // A selection keeps only dead letters on the page shown.
  useEffect(() => setSelected((current) => current.filter((id) => items.some((d) => idOf(d) === id))), [items]);
  const isAdmin = me.roles.includes('admin');
  const replay = async () => {
    try {
      const chosen = items.filter((d) => selected.includes(idOf(d))).map(({ topic, partition, offset }) => ({ topic, partition, offset }));
      const result = await call<{ replayed: number; alreadyReplayed: number }>('api', '/v1/ops/dead-letters/replays', { deadLetters: chosen, reason });
      void message.success(`${t('replayed')}: ${result.replayed}`);
      setSelected([]);
      setVersion((v) => v + 1);
    } catch (e) {
      void message.error((e as Error).message);
    }
  };
  return (
    <Card title={t('deadLetters')}>
      {isAdmin && (
        <Space style={{ marginBottom: 16 }}>
          <Input placeholder={t('whatWasFixed')} aria-label={t('whatWasFixed')} value={reason} onChange={(e) => setReason(e.target.value)} style={{ width: 360 }} id="replay-reason" />
          <Button type="primary" disabled={selected.length === 0 || reason.trim().length < 3} onClick={() => void replay()} id="replay">
            {t('replay')} ({selected.length})
          </Button>
        </Space>
      )}
      <DataTable<DeadLetter> id="dead-letters" rowKey={idOf} source={{ server: source, maxPageSize: DEAD_LETTER_MAX_PAGE }} exportName="dead-letters" pageSize={20}
        search={{ placeholder: t('searchDeadLetters') }} refreshMs={3_000} refreshKey={version} onRows={setItems}
        tableProps={{
          rowSelection: isAdmin ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]), getCheckboxProps: (d) => ({ disabled: d.replayedAt !== null }) } : undefined,
          expandable: { expandedRowRender: (d) => <Typography.Paragraph code copyable style={{ whiteSpace: 'pre-wrap', maxWidth: 1100 }}>{d.value}</Typography.Paragraph> },
        }}
        columns={[
          { key: 'sourceTopic', title: t('topic'), sortable: true, filter: SOURCE_TOPICS.map((topic) => ({ value: topic, label: topic })) },
          {
            key: 'reason', title: t('reason'), sortable: true, render: (d) => <Tag color="red"><EnumText kind="deadLetterReason" value={d.reason} /></Tag>,
            filter: codesOf('deadLetterReason').map((r) => ({ value: r, label: <span title={r}>{codes('deadLetterReason', r)}</span> })),
          },
          { key: 'message', title: t('detail'), ellipsis: true },
          { key: 'key', title: t('messageKey'), sortable: true },
          { key: 'topic', title: 'DLQ', hidden: true },
          { key: 'partition', title: 'partition', hidden: true },
          { key: 'offset', title: 'offset', hidden: true },
          { key: 'deadAt', title: t('deadAt'), sortable: true, firstOrder: 'desc', render: (d) => shanghaiTime(d.deadAt) },
          {
            key: 'replayedAt', title: t('replayed'), sortable: true, firstOrder: 'desc', filterParam: 'replayed',
            filter: [{ value: 'yes', label: t('replayedYes') }, { value: 'no', label: t('replayedNo') }],
            render: (d) => (d.replayedAt ? <Tag color="green">{shanghaiTime(d.replayedAt)} · {d.replayedBy}</Tag> : '—'),
          },
          { key: 'replayedBy', title: t('replayedBy'), hidden: true },
        ]} />
    </Card>
  );
}
