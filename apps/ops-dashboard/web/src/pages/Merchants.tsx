import { Card, Col, Descriptions, Empty, Row, Select, Space, Switch, Tag, Timeline } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { call, type Me } from '../api';
import { shanghaiTime, timeLeft, yuan } from '../format';
import { codesOf, useCodes, useT, type CodeGroup } from '../i18n';
import { tableSearchParams, type TableQuery } from '../table-query';
import { DataTable } from '../components/DataTable';
import { Countdown } from '../components/Countdown';
import { EnumText } from '../components/EnumText';
import { ShortId } from '../components/ShortId';
import { AuditCard, ExamChancesCard, isAdmin, LiftSanctionButton, RecordPaymentButton } from './MerchantRemedies';

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

/** A merchant as the search answers it, with this natural year's points. */
interface FoundMerchant {
  merchantId: string;
  marketplace: string;
  displayName: string | null;
  storeName: string | null;
  general: number;
  serious: number;
  /** A test merchant (the api's rule: an id starting with test- or demo-). */
  test: boolean;
}
type SortKey = Exclude<keyof FoundMerchant, 'test'>;

const STATES = ['ACTIVE_MEASURES', 'TOP_UP_OPEN', 'SUPERVISED', 'TERMINATED', 'EXAM_CHANCE_HELD'] as const;
/** GET /v1/ops/merchants' page bound (limit ≤ 200). */
const SEARCH_MAX_PAGE = 200;

/** Merchants found by part of their id or names, filtered, sorted and paged by the api; exported as CSV. */
export function Merchants({ open }: { open: (merchantId: string) => void }) {
  const t = useT();
  const codes = useCodes();
  const [marketplace, setMarketplace] = useState<string>();
  const [state, setState] = useState<string>();
  // Test merchants are hidden until the operator asks for them.
  const [withTest, setWithTest] = useState(false);
  const [marketplaces, setMarketplaces] = useState<string[]>([]);
  useEffect(() => void call<{ items: string[] }>('api', '/v1/rulebooks').then((r) => setMarketplaces(r.items)).catch(() => undefined), []);
  const source = useCallback(async (query: TableQuery) => {
    const r = await call<{ items: FoundMerchant[]; total: number }>('api', `/v1/ops/merchants?${tableSearchParams(query)}`);
    return { items: r.items, total: r.total };
  }, []);

  const label = (key: SortKey): string => (key === 'merchantId' ? t('merchant') : key === 'general' || key === 'serious' ? `${t('points')} · ${t(key)}` : t(key));
  const code = (group: 'marketplace', value: string) => <span title={value}>{codes(group, value)}</span>;
  return (
    <Card title={t('merchants')}>
      <DataTable<FoundMerchant> id="merchant" testId="merchants" columnsKey="merchants.columns" exportName="merchants" rowKey={(m) => m.merchantId}
        source={{ server: source, maxPageSize: SEARCH_MAX_PAGE }} pageSize={50} search={{ placeholder: t('search'), width: 320 }}
        extraFilters={{ marketplace, state, testMerchants: withTest ? undefined : 'exclude' }}
        tableProps={{ onRow: (r) => ({ onClick: () => open(r.merchantId), style: { cursor: 'pointer' } }) }}
        toolbar={
          <>
            <Select id="merchant-marketplace" aria-label={t('marketplace')} placeholder={t('allMarketplaces')} allowClear size="small" style={{ width: 180 }} value={marketplace}
              onChange={(v?: string) => setMarketplace(v)} options={marketplaces.map((m) => ({ value: m, label: code('marketplace', m) }))} />
            <Select id="merchant-state" aria-label={t('state')} placeholder={t('allStates')} allowClear size="small" style={{ width: 200 }} value={state}
              onChange={(v?: string) => setState(v)} options={STATES.map((s) => ({ value: s, label: <span title={s}>{codes('state', s)}</span> }))} />
            <Space size={6}>
              <Switch id="merchant-show-test" size="small" checked={withTest} onChange={setWithTest} aria-label={t('showTestMerchants')} />
              <label htmlFor="merchant-show-test">{t('showTestMerchants')}</label>
            </Space>
          </>
        }
        columns={[
          { key: 'merchantId', title: label('merchantId'), sortable: true, fixed: true, render: (m) => <Space size={4}><a data-testid={`merchant-${m.merchantId}`}>{m.merchantId}</a>{m.test && <Tag>{t('testMerchant')}</Tag>}</Space> },
          { key: 'displayName', title: label('displayName'), sortable: true, render: (m) => m.displayName ?? '—' },
          { key: 'storeName', title: label('storeName'), sortable: true, render: (m) => m.storeName ?? '—' },
          { key: 'marketplace', title: label('marketplace'), sortable: true, render: (m) => code('marketplace', m.marketplace) },
          // Points are read most-first; ids and names alphabetically.
          { key: 'general', title: label('general'), sortable: true, firstOrder: 'desc' },
          { key: 'serious', title: label('serious'), sortable: true, firstOrder: 'desc', render: (m) => <Tag color={m.serious >= 12 ? 'red' : m.serious > 0 ? 'orange' : 'default'}>{m.serious}</Tag> },
        ]} />
    </Card>
  );
}

type Measure = Standing['activeMeasures'][number];
type TimelineEvent = TimelineData['events'][number];
type Deadline = Cases['deadlines'][number];
type Appeal = Cases['appeals'][number];
type ForgeryCase = Cases['forgeryCases'][number];
type YearPoints = TimelineData['years'][number];
/** One empty list for every table without rows yet (a new array each render would ask again each render). */
const NONE: never[] = [];
/** GET …/notifications' page bound (limit ≤ 100). */
const NOTIFICATIONS_MAX_PAGE = 100;

/** A merchant's notifications on every channel with their delivery status: sorted, filtered and paged by the notification service. */
function NotificationsTable({ merchantId }: { merchantId: string }) {
  const t = useT();
  const codes = useCodes();
  const source = useCallback(async (query: TableQuery) => {
    const r = await call<{ items: Notification[]; total: number }>('notification-service', `/v1/merchants/${encodeURIComponent(merchantId)}/notifications?${tableSearchParams(query)}`);
    return { items: r.items, total: r.total };
  }, [merchantId]);
  return (
    <DataTable<Notification> id="notifications" rowKey={(n) => n.notificationId} source={{ server: source, maxPageSize: NOTIFICATIONS_MAX_PAGE }} exportName={`notifications-${merchantId}`} refreshMs={3_000}
      columns={[
        { key: 'notificationId', title: 'ID', render: (n) => <ShortId id={n.notificationId} /> },
        { key: 'channel', title: t('channel'), sortable: true, render: (n) => <EnumText kind="channel" value={n.channel} />, filter: codesOf('channel').map((c) => ({ value: c, label: codes('channel', c) })) },
        { key: 'template', title: t('template'), sortable: true },
        {
          key: 'status', title: t('status'), sortable: true, filter: codesOf('notificationStatus').map((s) => ({ value: s, label: codes('notificationStatus', s) })),
          render: (n) => <Tag color={n.status === 'DELIVERED' ? 'green' : n.status === 'FAILED' ? 'red' : 'blue'}><EnumText kind="notificationStatus" value={n.status} /></Tag>,
        },
        { key: 'attempts', title: t('attempts'), sortable: true, firstOrder: 'desc' },
        { key: 'createdAt', title: t('createdAt'), sortable: true, firstOrder: 'desc', render: (n) => shanghaiTime(n.createdAt) },
      ]} />
  );
}

/** The active measures by sanction, each with what imposed it (from the timeline), in the order first seen. */
function bySanction(measures: Measure[], events: TimelineEvent[]): { sanctionId: string; imposed?: TimelineEvent; measures: Measure[] }[] {
  const groups = new Map<string, Measure[]>();
  for (const m of measures) groups.set(m.sanctionId, [...(groups.get(m.sanctionId) ?? []), m]);
  return [...groups].map(([sanctionId, list]) => ({ sanctionId, imposed: events.find((e) => e.kind === 'SANCTION_IMPOSED' && e.sanctionId === sanctionId), measures: list }));
}

/** One merchant: a summary first, then measures by sanction, exam chances, cases, timeline, notifications and the audit trail. */
export function MerchantPage({ merchantId, me }: { merchantId: string; me: Me }) {
  const t = useT();
  const codes = useCodes();
  const codeOptions = (group: CodeGroup) => codesOf(group).map((c) => ({ value: c, label: <span title={c}>{codes(group, c)}</span> }));
  const [standing, setStanding] = useState<Standing>();
  const [cases, setCases] = useState<Cases>();
  const [timeline, setTimeline] = useState<TimelineData>();
  const load = useCallback(() => {
    const id = encodeURIComponent(merchantId);
    void call<Standing>('api', `/v1/merchants/${id}/standing`).then(setStanding).catch(() => undefined);
    void call<Cases>('api', `/v1/merchants/${id}/cases`).then(setCases).catch(() => undefined);
    void call<TimelineData>('api', `/v1/ops/merchants/${id}/timeline`).then(setTimeline).catch(() => undefined);
  }, [merchantId]);
  useEffect(() => {
    load();
    const timer = setInterval(load, 3_000);
    return () => clearInterval(timer);
  }, [load]);
  const admin = isAdmin(me);
  if (!standing) return <Empty />;
  const sanctions = bySanction(standing.activeMeasures, timeline?.events ?? []);
  const pendingAppeals = (cases?.appeals ?? []).filter((a) => a.status === 'PENDING').length;
  return (
    <div data-testid="merchant-page">
      <Row gutter={16}>
        <Col span={12}>
          <Card title={<span>{t('summary')} · {t('merchant')} {merchantId}</span>} data-testid="merchant-summary">
            <Descriptions column={1} size="small">
              <Descriptions.Item label={`${t('points')} ${standing.naturalYear}`}>
                {t('general')} {standing.points.general} · {t('serious')} <b data-testid="serious-points">{standing.points.serious}</b>
              </Descriptions.Item>
              <Descriptions.Item label={t('activeMeasures')}>
                <span data-testid="summary-measures">{standing.activeMeasures.length}</span> · {t('sanctions')} {sanctions.length}
              </Descriptions.Item>
              <Descriptions.Item label={t('deposit')}>
                {t('required')} {yuan(standing.deposit.requiredFen)} · {t('balance')} {yuan(standing.deposit.balanceFen)}
                {standing.deposit.topUpDueAt && <> · {t('topUpDue')} {shanghaiTime(standing.deposit.topUpDueAt)}</>}
                {admin && <span style={{ marginLeft: 8 }}><RecordPaymentButton merchantId={merchantId} onRecorded={load} /></span>}
              </Descriptions.Item>
              <Descriptions.Item label={t('examChance')}>
                <span data-testid="exam-chance-status"><EnumText kind="examChance" value={standing.examChance.status} /></span> {standing.examChance.expiresAt && `(${shanghaiTime(standing.examChance.expiresAt)})`}
              </Descriptions.Item>
              <Descriptions.Item label={t('appeals')}>{pendingAppeals} <EnumText kind="appealStatus" value="PENDING" /> · {t('forgeryCases')} {cases?.forgeryCases.length ?? 0}</Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col span={12}>
          <Card title={t('deadlines')}>
            <DataTable<Deadline> id="deadlines" rowKey={(d) => `${d.kind}/${d.reference}/${d.closesAt}`} source={{ rows: cases?.deadlines ?? NONE }} exportName={`deadlines-${merchantId}`}
              columns={[
                { key: 'kind', title: t('kind'), sortable: true, render: (d) => <EnumText kind="deadlineKind" value={d.kind} />, filter: codeOptions('deadlineKind') },
                { key: 'closesAt', title: t('deadline'), sortable: true, render: (d) => shanghaiTime(d.closesAt) },
                { key: 'timeLeft', title: t('timeLeft'), value: (d) => d.closesAt, noExport: true, render: (d) => <Countdown deadline={d.closesAt} /> },
                { key: 'reference', title: t('reference'), value: (d) => `${d.referenceKind} ${d.reference}`, render: (d) => <span><EnumText kind="referenceKind" value={d.referenceKind} /> <ShortId id={d.reference} /></span> },
              ]} />
          </Card>
        </Col>
      </Row>
      <Card title={t('activeMeasures')} style={{ marginTop: 16 }} data-testid="active-measures">
        {sanctions.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('none')} />}
        <Space direction="vertical" style={{ width: '100%' }}>
          {sanctions.map((s) => (
            <Card key={s.sanctionId} type="inner" size="small" data-testid={`sanction-${s.sanctionId}`}
              title={
                <Space wrap size={6}>
                  <span>{t('sanction')}</span>
                  <ShortId id={s.sanctionId} />
                  {s.imposed?.cause && <Tag><EnumText kind="sanctionCause" value={s.imposed.cause} /></Tag>}
                  {s.imposed?.node != null && <span>{t('node')} {s.imposed.node}</span>}
                  {s.imposed?.fineFen != null && <span>{yuan(s.imposed.fineFen)}</span>}
                  {s.imposed && <span>{shanghaiTime(s.imposed.at)}</span>}
                </Space>
              }
              extra={admin && <LiftSanctionButton sanctionId={s.sanctionId} measureTypes={s.measures.map((m) => m.type)} onLifted={load} />}>
              <DataTable<Measure> id={`measures-${s.sanctionId}`} columnsKey="table.measures.columns" rowKey={(m) => `${m.sanctionId}/${m.type}`} source={{ rows: s.measures }} exportName={`measures-${s.sanctionId}`}
                columns={[
                  { key: 'type', title: t('kind'), sortable: true, render: (m) => <Tag color="red"><EnumText kind="measure" value={m.type} /></Tag> },
                  { key: 'endsAt', title: t('endsAt'), sortable: true, render: (m) => (m.endsAt ? shanghaiTime(m.endsAt) : t('permanent')) },
                  { key: 'timeLeft', title: t('timeLeft'), value: (m) => timeLeft(m.endsAt), render: (m) => timeLeft(m.endsAt) },
                ]} />
            </Card>
          ))}
        </Space>
      </Card>
      <div style={{ marginTop: 16 }}><ExamChancesCard merchantId={merchantId} me={me} /></div>
      <Row gutter={16} style={{ marginTop: 16 }}>
        <Col span={12}>
          <Card title={t('appeals')}>
            <DataTable<Appeal> id="merchant-appeals" rowKey={(a) => a.appealId} source={{ rows: cases?.appeals ?? NONE }} exportName={`appeals-${merchantId}`}
              columns={[
                { key: 'appealId', title: 'ID', render: (a) => <ShortId id={a.appealId} /> },
                { key: 'subjectKind', title: t('subject'), sortable: true, filter: codeOptions('subjectKind'), value: (a) => a.subjectKind, render: (a) => <span><EnumText kind="subjectKind" value={a.subjectKind} /> <ShortId id={a.subjectId} /></span> },
                { key: 'subjectId', title: `${t('subject')} ID`, hidden: true },
                { key: 'round', title: t('round'), sortable: true },
                { key: 'status', title: t('status'), sortable: true, filter: codeOptions('appealStatus'), render: (a) => <EnumText kind="appealStatus" value={a.status} /> },
                { key: 'rejectionReason', title: t('rejectionReason'), render: (a) => <EnumText kind="rejectionReason" value={a.rejectionReason} /> },
                { key: 'filedAt', title: t('submittedAt'), sortable: true, firstOrder: 'desc', render: (a) => shanghaiTime(a.filedAt) },
              ]} />
          </Card>
        </Col>
        <Col span={12}>
          <Card title={t('forgeryCases')}>
            <DataTable<ForgeryCase> id="merchant-forgery-cases" rowKey={(c) => c.caseId} source={{ rows: cases?.forgeryCases ?? NONE }} exportName={`forgery-cases-${merchantId}`}
              columns={[
                { key: 'caseNumber', title: '#', sortable: true },
                { key: 'caseId', title: 'ID', render: (c) => <ShortId id={c.caseId} /> },
                { key: 'status', title: t('status'), sortable: true, filter: codeOptions('forgeryCase'), render: (c) => <EnumText kind="forgeryCase" value={c.status} /> },
                { key: 'remediationClosesAt', title: t('deadline'), sortable: true, render: (c) => shanghaiTime(c.remediationClosesAt) },
              ]} />
          </Card>
        </Col>
      </Row>
      <Row gutter={16} style={{ marginTop: 16 }}>
        <Col span={8}>
          <Card title={t('pointsByYear')}>
            <DataTable<YearPoints> id="points-by-year" rowKey={(y) => String(y.naturalYear)} source={{ rows: timeline?.years ?? NONE }} exportName={`points-${merchantId}`}
              columns={[
                { key: 'naturalYear', title: t('year'), sortable: true, firstOrder: 'desc', fixed: true },
                { key: 'general', title: t('general'), sortable: true, firstOrder: 'desc' },
                { key: 'serious', title: t('serious'), sortable: true, firstOrder: 'desc' },
              ]} />
          </Card>
        </Col>
        <Col span={16}>
          <Card title={t('timeline')} data-testid="timeline">
            <Timeline items={(timeline?.events ?? []).slice(0, 30).map((e) => ({
              color: e.kind === 'SANCTION_IMPOSED' ? 'red' : e.kind === 'MEASURES_LIFTED' ? 'green' : 'blue',
              children: (
                <Space wrap size={4}>
                  <span>{shanghaiTime(e.at)} ·</span>
                  <b><EnumText kind="timelineKind" value={e.kind} /></b>
                  {e.violationId && (
                    <>
                      <ShortId id={e.violationId} /> · {e.track && <EnumText kind="track" value={e.track} />} {e.points}{e.waiver && <> (<EnumText kind="waiver" value={e.waiver} />)</>}
                      {' · '}<a href={`#/decisions/${encodeURIComponent(e.violationId)}`} data-testid={`explain-${e.violationId}`}>{t('whyThisDecision')}</a>
                    </>
                  )}
                  {e.kind === 'SANCTION_IMPOSED' && <>{e.cause && <EnumText kind="sanctionCause" value={e.cause} />}{e.node ? ` ${e.node}` : ''} · {yuan(e.fineFen)}</>}
                  {e.sanctionId && <ShortId id={e.sanctionId} />}
                  {e.measureTypes?.map((m) => <Tag key={m}><EnumText kind="measure" value={m} /></Tag>)}
                </Space>
              ),
            }))} />
          </Card>
        </Col>
      </Row>
      <Card title={t('notifications')} style={{ marginTop: 16 }}>
        <NotificationsTable merchantId={merchantId} />
      </Card>
      <AuditCard merchantId={merchantId} />
    </div>
  );
}
