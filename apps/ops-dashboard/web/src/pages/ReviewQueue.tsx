import { App, Button, Card, Select, Space, Table, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { call, type Service } from '../api';
import { shanghaiTime } from '../format';
import { useT } from '../i18n';

const REJECTION_REASONS = ['MATERIALS_NOT_GENUINE', 'MATERIALS_INCOMPLETE', 'IP_DISPUTE_UNRESOLVED', 'RULES_MISUNDERSTOOD', 'WINDOW_MISSED'];
/** Which service owns a decision, and under which URL collection its appeals live. */
const OWNERS: Record<string, { service: Service; collection: string }> = {
  PENALTY: { service: 'scoring-service', collection: 'penalties' },
  SANCTION: { service: 'sanction-service', collection: 'sanctions' },
  FORGERY_CASE: { service: 'sanction-service', collection: 'forgery-cases' },
};

interface Item {
  kind: 'APPEAL' | 'FORGERY_REMEDIATION';
  id: string;
  merchantId: string;
  subjectKind: string;
  subjectId: string;
  submittedAt: string;
  deadline: string | null;
  evidence: { kind: string; issuer: string; validUntil: string; sha256: string }[];
}

export function ReviewQueue() {
  const t = useT();
  const { message } = App.useApp();
  const [items, setItems] = useState<Item[]>([]);
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const load = useCallback(() => void call<{ items: Item[] }>('api', '/v1/ops/review-queue').then((r) => setItems(r.items)).catch(() => undefined), []);
  useEffect(() => {
    load();
    const timer = setInterval(load, 3_000);
    return () => clearInterval(timer);
  }, [load]);

  const decide = async (item: Item, accepted: boolean) => {
    try {
      if (item.kind === 'APPEAL') {
        const owner = OWNERS[item.subjectKind];
        await call(owner.service, `/v1/${owner.collection}/${encodeURIComponent(item.subjectId)}/appeals/${item.id}/decision`, accepted ? { decision: 'ACCEPTED' } : { decision: 'REJECTED', rejectionReason: reasons[item.id] });
      } else {
        await call('sanction-service', `/v1/forgery-cases/${item.id}/remediation/review`, { accepted });
      }
      void message.success(t('decided'));
      setItems((current) => current.filter((i) => i.id !== item.id));
    } catch (e) {
      void message.error((e as Error).message);
    }
  };

  return (
    <Card title={t('reviewQueue')}>
      <Table rowKey="id" dataSource={items} locale={{ emptyText: t('nothingToReview') }} data-testid="review-queue"
        columns={[
          { title: t('kind'), dataIndex: 'kind', render: (k: string, i) => <Tag>{k === 'APPEAL' ? `${t('appeals')} · ${i.subjectKind}` : t('forgeryCases')}</Tag> },
          { title: t('merchant'), dataIndex: 'merchantId' },
          { title: t('deadline'), dataIndex: 'deadline', render: shanghaiTime },
          { title: t('submittedAt'), dataIndex: 'submittedAt', render: shanghaiTime },
          { title: t('evidence'), dataIndex: 'evidence', render: (docs: Item['evidence']) => docs.map((d) => <div key={d.sha256}>{d.kind} · {d.issuer}</div>) },
          {
            title: '',
            render: (_: unknown, item) => (
              <Space>
                <Button type="primary" onClick={() => void decide(item, true)} data-testid={`accept-${item.id}`}>{t('accept')}</Button>
                {item.kind === 'APPEAL' && (
                  <Select placeholder={t('rejectionReason')} aria-label={t('rejectionReason')} style={{ width: 220 }} value={reasons[item.id]} onChange={(v) => setReasons({ ...reasons, [item.id]: v })}
                    options={REJECTION_REASONS.map((r) => ({ value: r, label: r }))} />
                )}
                <Button danger disabled={item.kind === 'APPEAL' && !reasons[item.id]} onClick={() => void decide(item, false)}>{t('reject')}</Button>
              </Space>
            ),
          },
        ]} />
    </Card>
  );
}
