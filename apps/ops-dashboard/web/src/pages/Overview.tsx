import { Alert, Card, Col, Drawer, Row, Segmented, Statistic, Tag } from 'antd';
import { useCallback, useEffect, useState, type KeyboardEvent } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { FigurePoint, Figures } from '../../../server/live-figures';
import { ApiError, call } from '../api';
import { bucketLabel, CHART_RANGES, pointLabel, type BucketUnit, type ChartRange } from '../chart-ranges';
import { DataTable } from '../components/DataTable';
import { tableSearchParams, type TableQuery } from '../table-query';
import { EnumText } from '../components/EnumText';
import { ShortId } from '../components/ShortId';
import { shanghaiTime, yuan } from '../format';
import { useCodes, useT } from '../i18n';

interface Totals {
  sanctions: number;
  finesFen: number;
}
interface Decisions {
  today: ({ node: string } & Totals)[];
  range: ChartRange;
  bucket: BucketUnit;
  byNode: ({ node: string } & Totals)[];
  buckets: ({ start: string } & Totals)[];
}
interface DecisionSanction {
  sanctionId: string;
  merchantId: string;
  node: string;
  measures: string[];
  fineFen: number | null;
  decidedAt: string;
}
interface LiveSource {
  source: 'prometheus' | 'scrape';
  available: boolean;
  detail?: string;
}
interface LiveHistory {
  source: LiveSource['source'];
  complete: boolean;
  points: FigurePoint[];
}
/** The bar an operator opened: a node's over the range, or one bucket's. */
interface Drill {
  range: ChartRange;
  node?: string;
  bucket?: string;
  title: string;
}

const RANGE_WORDS = { '1h': 'range1h', '24h': 'range24h', '7d': 'range7d', '30d': 'range30d' } as const;
const NO_NODES: ({ node: string } & Totals)[] = [];
const DRILL_PAGE = 10;
/** The api's largest page of a bar's sanctions (MAX_SANCTIONS_PAGE): what an export asks at a time. */
const DRILL_PAGE_MAX = 200;

/** A bar that opens its sanctions on a click, or on Enter or Space once focused (Tab); a bar without any is not a control. */
function drillBar<T extends Totals>(label: (entry: T) => string, open: (entry: T) => void, testId: (entry: T) => string) {
  return function DrillBar(props: unknown) {
    const { x = 0, y = 0, width = 0, height = 0, fill, payload } = props as { x?: number; y?: number; width?: number; height?: number; fill?: string; payload: T };
    if (!payload.sanctions) return <rect x={x} y={y} width={width} height={height} fill={fill} />;
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key !== 'Enter' && e.key !== ' ') return;
      e.preventDefault();
      open(payload);
    };
    return (
      <rect x={x} y={y} width={width} height={Math.max(height, 2)} fill={fill} tabIndex={0} role="button" aria-label={label(payload)} data-testid={testId(payload)}
        style={{ cursor: 'pointer' }} onClick={() => open(payload)} onKeyDown={onKeyDown} />
    );
  };
}

/**
 * Live figures (streamed by the dashboard server, from Prometheus or its own scrape) and the decisions
 * over a time range (1 h by minute, 24 h by hour, 7 and 30 days by day); a node's or a bucket's bar opens
 * its sanctions.
 */
export function Overview() {
  const t = useT();
  const codes = useCodes();
  const [range, setRange] = useState<ChartRange>('24h');
  const [stream, setStream] = useState<FigurePoint[]>([]);
  const [latest, setLatest] = useState<Figures>();
  const [source, setSource] = useState<LiveSource>();
  const [longer, setLonger] = useState<LiveHistory>();
  const [historyFailed, setHistoryFailed] = useState(false);
  const [decisions, setDecisions] = useState<Decisions>();
  const [drill, setDrill] = useState<Drill>();

  useEffect(() => {
    const source = new EventSource('/live');
    source.addEventListener('history', (e) => {
      const points = JSON.parse((e as MessageEvent).data) as FigurePoint[];
      setStream(points);
      // The in-process history carries every figure; Prometheus's only the two rates (the current figures follow).
      const last = points[points.length - 1] as Figures | undefined;
      if (last?.consumerLag) setLatest(last);
    });
    source.addEventListener('figures', (e) => {
      const figures = JSON.parse((e as MessageEvent).data) as Figures;
      setLatest(figures);
      setStream((h) => [...h.slice(-719), figures]);
    });
    source.addEventListener('source', (e) => setSource(JSON.parse((e as MessageEvent).data)));
    return () => source.close();
  }, []);

  useEffect(() => {
    setDecisions((d) => (d?.range === range ? d : undefined));
    const load = () => call<Decisions>('api', `/v1/ops/decisions?range=${range}`).then(setDecisions).catch(() => undefined);
    void load();
    const timer = setInterval(load, 10_000);
    return () => clearInterval(timer);
  }, [range]);

  // Over an hour the chart reads /live/history (Prometheus's history, or what this server kept) once a minute, and again when Prometheus answers again.
  const sourceAnswers = source?.available;
  useEffect(() => {
    setLonger(undefined);
    setHistoryFailed(false);
    if (range === '1h') return;
    const load = () =>
      fetch(`/live/history?range=${range}`, { credentials: 'same-origin' })
        .then(async (response) => {
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          setLonger(await response.json());
          setHistoryFailed(false);
        })
        .catch(() => setHistoryFailed(true));
    void load();
    const timer = setInterval(load, 60_000);
    return () => clearInterval(timer);
  }, [range, sourceAnswers]);

  const points = range === '1h' ? stream : (longer?.points ?? []);
  const deadLetters = latest?.deadLetters.reduce((n, d) => n + d.count, 0) ?? 0;
  const backlog = latest?.outboxBacklog.reduce((n, d) => n + d.backlog, 0) ?? 0;
  const finesToday = decisions?.today.reduce((n, d) => n + d.finesFen, 0) ?? 0;
  const rangeText = t(RANGE_WORDS[range]);
  const nodeText = (node: string) => codes('sanctionCause', node);
  const openNode = (node: string) => setDrill({ range, node, title: `${t('node')} ${nodeText(node)} · ${rangeText}` });
  const bucketText = (start: string) => (decisions?.bucket === 'day' ? start.slice(0, 10) : shanghaiTime(start));
  const openBucket = (start: string) => setDrill({ range, bucket: start, title: bucketText(start) });
  const unavailable = source?.source === 'prometheus' && !source.available;

  return (
    <div data-testid="overview">
      <Row justify="space-between" align="middle" style={{ marginBottom: 16 }}>
        <Segmented<ChartRange> aria-label={t('timeRange')} data-testid="range" value={range} onChange={setRange}
          options={CHART_RANGES.map((r) => ({ value: r, label: t(RANGE_WORDS[r]) }))} />
        {source && (
          <Tag data-testid="live-source" color={unavailable ? 'error' : 'default'}>{t(source.source === 'prometheus' ? 'sourcePrometheus' : 'sourceScrape')}</Tag>
        )}
      </Row>
      {(unavailable || (historyFailed && source?.source === 'prometheus')) && (
        <Alert data-testid="prometheus-unavailable" type="warning" showIcon style={{ marginBottom: 16 }} message={t('prometheusUnavailable')} description={source?.detail} />
      )}
      <Row gutter={16}>
        <Col span={4}><Card><Statistic title={t('violationsPerSecond')} value={latest?.violationsPerSecond ?? 0} precision={1} data-testid="violations-per-second" /></Card></Col>
        <Col span={4}><Card><Statistic title={t('decisionsPerSecond')} value={latest?.decisionsPerSecond ?? 0} precision={1} /></Card></Col>
        <Col span={4}><Card><Statistic title={t('deadLetters')} value={deadLetters} /></Card></Col>
        <Col span={4}><Card><Statistic title={t('outboxBacklog')} value={backlog} /></Card></Col>
        <Col span={4}><Card><Statistic title={t('sanctionsToday')} value={decisions?.today.reduce((n, d) => n + d.sanctions, 0) ?? 0} /></Card></Col>
        <Col span={4}><Card><Statistic title={t('finesCharged')} value={yuan(finesToday)} /></Card></Col>
      </Row>
      <Row gutter={16} style={{ marginTop: 16 }}>
        <Col span={12}>
          <Card title={`${t('liveFigures')} · ${rangeText}`} data-testid="live-chart" data-points={points.length}>
            {range !== '1h' && longer && !longer.complete && <Alert type="info" showIcon style={{ marginBottom: 8 }} message={t('scrapeKeepsLastHour')} />}
            <ResponsiveContainer width="100%" height={240}>
              <LineChart data={points.map((f) => ({ ...f, time: pointLabel(f.at, range) }))}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="time" minTickGap={40} />
                <YAxis />
                <Tooltip />
                <Legend />
                <Line type="monotone" dataKey="violationsPerSecond" name={t('violationsPerSecond')} stroke="#1677ff" dot={false} isAnimationActive={false} />
                <Line type="monotone" dataKey="decisionsPerSecond" name={t('decisionsPerSecond')} stroke="#389e0d" dot={false} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </Card>
        </Col>
        <Col span={12}>
          <Card title={`${t('sanctionsOverTime')} · ${rangeText}`} data-testid="buckets-chart">
            <ResponsiveContainer width="100%" height={240}>
              <BarChart data={(decisions?.buckets ?? []).map((b) => ({ ...b, label: bucketLabel(b.start, decisions!.bucket) }))}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="label" minTickGap={20} />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Bar dataKey="sanctions" name={t('sanctions')} fill="#d46b08" isAnimationActive={false}
                  shape={drillBar<{ start: string } & Totals>((b) => `${bucketText(b.start)}: ${b.sanctions} ${t('sanctions')} · ${t('showSanctions')}`, (b) => openBucket(b.start), (b) => `bucket-bar-${b.start}`)} />
              </BarChart>
            </ResponsiveContainer>
          </Card>
        </Col>
      </Row>
      <Row gutter={16} style={{ marginTop: 16 }}>
        <Col span={12}>
          <Card title={`${t('sanctionsByNode')} · ${rangeText}`} data-testid="nodes-chart">
            <ResponsiveContainer width="100%" height={200}>
              <BarChart data={(decisions?.byNode ?? []).map((n) => ({ ...n, label: nodeText(n.node) }))}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="label" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Bar dataKey="sanctions" name={t('sanctions')} fill="#1677ff" isAnimationActive={false}
                  shape={drillBar<{ node: string } & Totals>((n) => `${t('node')} ${nodeText(n.node)}: ${n.sanctions} ${t('sanctions')} · ${t('showSanctions')}`, (n) => openNode(n.node), (n) => `node-bar-${n.node}`)} />
              </BarChart>
            </ResponsiveContainer>
            <DataTable<{ node: string } & Totals> id="nodes" testId="nodes-table" rowKey={(r) => r.node} source={{ rows: decisions?.byNode ?? NO_NODES }} exportName={`sanctions-by-node-${range}`}
              columns={[
                { key: 'node', title: t('node'), sortable: true, render: (r) => <EnumText kind="sanctionCause" value={r.node} /> },
                {
                  key: 'sanctions', title: t('sanctionsInRange'), sortable: true, firstOrder: 'desc',
                  render: (r) => <a href="#" role="button" onClick={(e) => (e.preventDefault(), openNode(r.node))} aria-label={`${t('node')} ${nodeText(r.node)}: ${r.sanctions} ${t('sanctions')} · ${t('showSanctions')}`}>{r.sanctions}</a>,
                },
                { key: 'finesFen', title: t('finesCharged'), sortable: true, firstOrder: 'desc', render: (r) => yuan(r.finesFen) },
              ]} />
          </Card>
        </Col>
        <Col span={12}>
          <Card title={t('consumerLag')}>
            <ConsumerLagTable rows={latest?.consumerLag ?? NO_LAG} />
          </Card>
        </Col>
      </Row>
      <DrillDrawer drill={drill} onClose={() => setDrill(undefined)} />
    </div>
  );
}

/** The sanctions behind the opened bar, paged by the api, each merchant linking to its page. */
function DrillDrawer({ drill, onClose }: { drill: Drill | undefined; onClose: () => void }) {
  const t = useT();
  const [error, setError] = useState<string>();
  useEffect(() => setError(undefined), [drill]);
  // Newest first, a page at a time, as the api answers them (its drill-down has no other order).
  const source = useCallback(async (query: TableQuery) => {
    if (!drill) return { items: [], total: 0 };
    const params = new URLSearchParams({ range: drill.range, limit: String(query.limit), offset: String(query.offset) });
    if (drill.node !== undefined) params.set('node', drill.node);
    if (drill.bucket !== undefined) params.set('bucket', drill.bucket);
    try {
      return await call<{ items: DecisionSanction[]; total: number }>('api', `/v1/ops/decisions/sanctions?${params}`);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
      throw e;
    }
  }, [drill]);
  return (
    <Drawer open={drill !== undefined} onClose={onClose} width={900} destroyOnHidden title={drill && `${t('sanctionsOf')} · ${drill.title}`}>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      {drill && (
        <DataTable<DecisionSanction> id="drill" testId="drill-sanctions" rowKey={(r) => r.sanctionId} source={{ server: source, maxPageSize: DRILL_PAGE_MAX }} exportName={`sanctions-${drill.range}`} pageSize={DRILL_PAGE}
          tableProps={{ locale: { emptyText: t('noSanctions') } }}
          columns={[
            { key: 'merchantId', title: t('merchant'), render: (r) => <a href={`#/merchants/${encodeURIComponent(r.merchantId)}`} data-testid={`drill-merchant-${r.merchantId}`}>{r.merchantId}</a> },
            { key: 'sanctionId', title: t('sanctionId'), render: (r) => <ShortId id={r.sanctionId} testId={`drill-sanction-${r.sanctionId}`} /> },
            { key: 'node', title: t('node'), render: (r) => <EnumText kind="sanctionCause" value={r.node} /> },
            { key: 'measures', title: t('measures'), value: (r) => r.measures.join(' '), render: (r) => r.measures.map((m, i) => <span key={m}>{i > 0 && '、'}<EnumText kind="measure" value={m} /></span>) },
            { key: 'fineFen', title: t('fine'), render: (r) => yuan(r.fineFen) },
            { key: 'decidedAt', title: t('decidedAt'), render: (r) => shanghaiTime(r.decidedAt) },
          ]} />
      )}
    </Drawer>
  );
}

type LagRow = Figures['consumerLag'][number];
const NO_LAG: LagRow[] = [];

/** The services and topics the lag filters offer: those of the latest figures the stream brought. */
const choices = (rows: readonly LagRow[], key: 'service' | 'topic') => [...new Set(rows.map((r) => r[key]))].sort().map((value) => ({ value, label: value }));

/**
 * Each consumer's lag per topic and partition, most behind first: sorted, filtered (service, topic,
 * behind or caught up), searched, paged and exported by the dashboard server from its latest figures
 * (GET /live/consumer-lag), read again as they change.
 */
function ConsumerLagTable({ rows }: { rows: readonly LagRow[] }) {
  const t = useT();
  const source = useCallback(async (query: TableQuery) => {
    const response = await fetch(`/live/consumer-lag?${tableSearchParams(query)}`, { credentials: 'same-origin' });
    if (!response.ok) throw new Error(`consumer lag: HTTP ${response.status}`);
    return (await response.json()) as { items: LagRow[]; total: number };
  }, []);
  return (
    <DataTable<LagRow> id="consumer-lag" testId="consumer-lag" rowKey={(r) => `${r.service}/${r.topic}/${r.partition}`} source={{ server: source, maxPageSize: 500 }} exportName="consumer-lag" pageSize={8}
      refreshKey={rows} search={{ placeholder: t('topic') }}
      columns={[
        { key: 'service', title: t('service'), sortable: true, filter: choices(rows, 'service') },
        { key: 'topic', title: t('topic'), sortable: true, filter: choices(rows, 'topic') },
        { key: 'partition', title: t('partition'), sortable: true, value: (r) => Number(r.partition) },
        {
          key: 'lag', title: t('consumerLag'), sortable: true, firstOrder: 'desc', filterParam: 'state',
          filter: [{ value: 'behind', label: t('lagBehind') }, { value: 'caughtUp', label: t('lagCaughtUp') }],
        },
      ]} />
  );
}
