import { Card, Col, Descriptions, Empty, Input, Row, Table, Tag, Timeline } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { call, type Me } from '../api';
import { shanghaiTime, timeLeft, yuan } from '../format';
import { useT } from '../i18n';
import { AuditCard, ExamChancesCard, isAdmin, LiftMeasureButton, RecordPaymentButton } from './MerchantRemedies';

interface Standing {
  merchantId: string;
  naturalYear: number;
  points: { general: number; serious: number };
  activeMeasures: { type: string; sanctionId: string; endsAt: string | null }[];
  deposit: { requiredFen: number | null; balanceFen: number | null; topUpDueAt: string | null };
  examChance: { status: string; expiresAt: string | null };
}
interface Cases {
  forgeryCases: { caseId: string; status: string; caseNumber: number; remediationClosesAt: string | null }[];
  appeals: { appealId: string; subjectKind: string; subjectId: string; round: number; status: string; rejectionReason: string | null; filedAt: string }[];
  deadlines: { kind: string; closesAt: string; reference: string; referenceKind: string }[];
}
interface TimelineData {
  years: { naturalYear: number; general: number; serious: number }[];
  events: { at: string; kind: string; violationId?: string; track?: string; points?: number; waiver?: string | null; sanctionId?: string; cause?: string; node?: number | null; fineFen?: number | null; measureTypes?: string[] }[];
}
interface Notification {
  notificationId: string;
  channel: string;
  template: string;
  status: string;
  attempts: number;
  createdAt?: string;
}

export function Merchants({ open }: { open: (merchantId: string) => void }) {
  const t = useT();
  const [query, setQuery] = useState('');
  const [items, setItems] = useState<{ merchantId: string; general: number; serious: number }[]>([]);
  useEffect(() => {
    const timer = setTimeout(() => void call<{ items: typeof items }>('api', `/v1/ops/merchants?query=${encodeURIComponent(query)}`).then((r) => setItems(r.items)).catch(() => setItems([])), 200);
    return () => clearTimeout(timer);
  }, [query]);
  return (
    <Card title={t('merchants')}>
      <Input.Search placeholder={t('search')} value={query} onChange={(e) => setQuery(e.target.value)} style={{ maxWidth: 360, marginBottom: 16 }} id="merchant-search" allowClear />
      <Table size="small" rowKey="merchantId" dataSource={items} onRow={(r) => ({ onClick: () => open(r.merchantId), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('merchant'), dataIndex: 'merchantId', render: (id: string) => <a data-testid={`merchant-${id}`}>{id}</a> },
          { title: `${t('points')} · ${t('general')}`, dataIndex: 'general' },
          { title: `${t('points')} · ${t('serious')}`, dataIndex: 'serious', render: (n: number) => <Tag color={n >= 12 ? 'red' : n > 0 ? 'orange' : 'default'}>{n}</Tag> },
        ]} />
    </Card>
  );
}

/** One merchant: points, measures with time left, deposit, exam chance, cases, deadlines and notifications. */
export function MerchantPage({ merchantId, me }: { merchantId: string; me: Me }) {
  const t = useT();
  const [standing, setStanding] = useState<Standing>();
  const [cases, setCases] = useState<Cases>();
  const [notifications, setNotifications] = useState<Notification[]>([]);
  const [timeline, setTimeline] = useState<TimelineData>();
  const load = useCallback(() => {
    const id = encodeURIComponent(merchantId);
    {
      void call<Standing>('api', `/v1/merchants/${id}/standing`).then(setStanding).catch(() => undefined);
      void call<Cases>('api', `/v1/merchants/${id}/cases`).then(setCases).catch(() => undefined);
      void call<TimelineData>('api', `/v1/ops/merchants/${id}/timeline`).then(setTimeline).catch(() => undefined);
      void call<{ items: Notification[] }>('notification-service', `/v1/merchants/${id}/notifications?limit=50`).then((r) => setNotifications(r.items)).catch(() => undefined);
    }
  }, [merchantId]);
  useEffect(() => {
    load();
    const timer = setInterval(load, 3_000);
    return () => clearInterval(timer);
  }, [load]);
  const admin = isAdmin(me);
  if (!standing) return <Empty />;
  return (
    <div data-testid="merchant-page">
      <Row gutter={16}>
        <Col span={12}>
          <Card title={`${t('merchant')} ${merchantId}`}>
            <Descriptions column={1} size="small">
              <Descriptions.Item label={`${t('points')} ${standing.naturalYear}`}>
                {t('general')} {standing.points.general} · {t('serious')} <b data-testid="serious-points">{standing.points.serious}</b>
              </Descriptions.Item>
              <Descriptions.Item label={t('deposit')}>
                {t('required')} {yuan(standing.deposit.requiredFen)} · {t('balance')} {yuan(standing.deposit.balanceFen)}
                {standing.deposit.topUpDueAt && <> · {t('topUpDue')} {shanghaiTime(standing.deposit.topUpDueAt)}</>}
                {admin && <span style={{ marginLeft: 8 }}><RecordPaymentButton merchantId={merchantId} onRecorded={load} /></span>}
              </Descriptions.Item>
              <Descriptions.Item label={t('examChance')}>
                {standing.examChance.status} {standing.examChance.expiresAt && `(${shanghaiTime(standing.examChance.expiresAt)})`}
              </Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col span={12}>
          <Card title={t('deadlines')}>
            <Table size="small" pagination={false} rowKey={(d) => `${d.kind}/${d.reference}/${d.closesAt}`} dataSource={cases?.deadlines ?? []} data-testid="deadlines"
              columns={[{ title: t('kind'), dataIndex: 'kind' }, { title: t('deadline'), dataIndex: 'closesAt', render: shanghaiTime }, { title: t('timeLeft'), dataIndex: 'closesAt', render: (v: string) => timeLeft(v) }, { title: 'ref', dataIndex: 'reference' }]} />
          </Card>
        </Col>
      </Row>
      <Card title={t('activeMeasures')} style={{ marginTop: 16 }}>
        <Table size="small" pagination={false} rowKey={(m) => `${m.sanctionId}/${m.type}`} dataSource={standing.activeMeasures} data-testid="active-measures"
          columns={[
            { title: t('kind'), dataIndex: 'type', render: (v: string) => <Tag color="red">{v}</Tag> },
            { title: t('endsAt'), dataIndex: 'endsAt', render: (v: string | null) => (v ? shanghaiTime(v) : t('permanent')) },
            { title: t('timeLeft'), dataIndex: 'endsAt', render: (v: string | null) => timeLeft(v) },
            { title: 'sanction', dataIndex: 'sanctionId' },
            ...(admin ? [{ title: '', render: (_: unknown, m: Standing['activeMeasures'][number]) => <LiftMeasureButton sanctionId={m.sanctionId} measureType={m.type} onLifted={load} /> }] : []),
          ]} />
      </Card>
      <div style={{ marginTop: 16 }}><ExamChancesCard merchantId={merchantId} me={me} /></div>
      <Row gutter={16} style={{ marginTop: 16 }}>
        <Col span={12}>
          <Card title={t('appeals')}>
            <Table size="small" pagination={false} rowKey="appealId" dataSource={cases?.appeals ?? []}
              columns={[{ title: t('kind'), dataIndex: 'subjectKind' }, { title: 'round', dataIndex: 'round' }, { title: t('status'), dataIndex: 'status' }, { title: t('rejectionReason'), dataIndex: 'rejectionReason' }, { title: t('submittedAt'), dataIndex: 'filedAt', render: shanghaiTime }]} />
          </Card>
        </Col>
        <Col span={12}>
          <Card title={t('forgeryCases')}>
            <Table size="small" pagination={false} rowKey="caseId" dataSource={cases?.forgeryCases ?? []}
              columns={[{ title: '#', dataIndex: 'caseNumber' }, { title: t('status'), dataIndex: 'status' }, { title: t('deadline'), dataIndex: 'remediationClosesAt', render: shanghaiTime }]} />
          </Card>
        </Col>
      </Row>
      <Row gutter={16} style={{ marginTop: 16 }}>
        <Col span={8}>
          <Card title={t('pointsByYear')}>
            <Table size="small" pagination={false} rowKey="naturalYear" dataSource={timeline?.years ?? []} data-testid="points-by-year"
              columns={[{ title: 'year', dataIndex: 'naturalYear' }, { title: t('general'), dataIndex: 'general' }, { title: t('serious'), dataIndex: 'serious' }]} />
          </Card>
        </Col>
        <Col span={16}>
          <Card title={t('timeline')} data-testid="timeline">
            <Timeline items={(timeline?.events ?? []).slice(0, 30).map((e) => ({
              color: e.kind === 'SANCTION_IMPOSED' ? 'red' : e.kind === 'MEASURES_LIFTED' ? 'green' : 'blue',
              children: (
                <span>
                  {shanghaiTime(e.at)} · <b>{e.kind}</b>{' '}
                  {e.violationId && `${e.violationId} · ${e.track} ${e.points} ${e.waiver ? `(${e.waiver})` : ''}`}
                  {e.kind === 'SANCTION_IMPOSED' && `${e.cause}${e.node ? ` ${e.node}` : ''} · ${yuan(e.fineFen)}`}
                  {e.measureTypes && e.measureTypes.join(', ')}
                </span>
              ),
            }))} />
          </Card>
        </Col>
      </Row>
      <Card title={t('notifications')} style={{ marginTop: 16 }}>
        <Table size="small" rowKey="notificationId" dataSource={notifications} pagination={{ pageSize: 10 }}
          columns={[{ title: t('channel'), dataIndex: 'channel' }, { title: 'template', dataIndex: 'template' }, { title: t('status'), dataIndex: 'status', render: (s: string) => <Tag color={s === 'DELIVERED' ? 'green' : s === 'FAILED' ? 'red' : 'blue'}>{s}</Tag> }, { title: 'attempts', dataIndex: 'attempts' }]} />
      </Card>
      <AuditCard merchantId={merchantId} />
    </div>
  );
}
