import { App, Button, Card, Input, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { call, type Me } from '../api';
import { shanghaiTime } from '../format';
import { EnumText } from '../components/EnumText';
import { useT } from '../i18n';

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

/** Dead letters of every topic with their reason; admins replay one or many to the source topic after a fix. */
export function DeadLetters({ me }: { me: Me }) {
  const t = useT();
  const { message } = App.useApp();
  const [items, setItems] = useState<DeadLetter[]>([]);
  const [selected, setSelected] = useState<string[]>([]);
  const [reason, setReason] = useState('');
  const load = useCallback(() => void call<{ items: DeadLetter[] }>('api', '/v1/ops/dead-letters').then((r) => setItems(r.items)).catch(() => undefined), []);
  useEffect(() => {
    load();
    const timer = setInterval(load, 3_000);
    return () => clearInterval(timer);
  }, [load]);
  const isAdmin = me.roles.includes('admin');
  const replay = async () => {
    try {
      const chosen = items.filter((d) => selected.includes(idOf(d))).map(({ topic, partition, offset }) => ({ topic, partition, offset }));
      const result = await call<{ replayed: number; alreadyReplayed: number }>('api', '/v1/ops/dead-letters/replays', { deadLetters: chosen, reason });
      void message.success(`${t('replayed')}: ${result.replayed}`);
      setSelected([]);
      load();
    } catch (e) {
      void message.error((e as Error).message);
    }
  };
  return (
    <Card title={t('deadLetters')}>
      {isAdmin && (
        <Space style={{ marginBottom: 16 }}>
          <Input placeholder={t('whatWasFixed')} value={reason} onChange={(e) => setReason(e.target.value)} style={{ width: 360 }} id="replay-reason" />
          <Button type="primary" disabled={selected.length === 0 || reason.trim().length < 3} onClick={() => void replay()} id="replay">
            {t('replay')} ({selected.length})
          </Button>
        </Space>
      )}
      <Table size="small" rowKey={idOf} dataSource={items} data-testid="dead-letters"
        rowSelection={isAdmin ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]), getCheckboxProps: (d) => ({ disabled: d.replayedAt !== null }) } : undefined}
        expandable={{ expandedRowRender: (d) => <Typography.Paragraph code copyable style={{ whiteSpace: 'pre-wrap', maxWidth: 1100 }}>{d.value}</Typography.Paragraph> }}
        columns={[
          { title: 'topic', dataIndex: 'sourceTopic' },
          { title: t('reason'), dataIndex: 'reason', render: (r: string) => <Tag color="red"><EnumText kind="deadLetterReason" value={r} /></Tag> },
          { title: t('detail'), dataIndex: 'message', ellipsis: true },
          { title: 'key', dataIndex: 'key' },
          { title: t('deadAt'), dataIndex: 'deadAt', render: shanghaiTime },
          { title: t('replayed'), dataIndex: 'replayedAt', render: (v: string | null, d) => (v ? <Tag color="green">{shanghaiTime(v)} · {d.replayedBy}</Tag> : '—') },
        ]} />
    </Card>
  );
}
