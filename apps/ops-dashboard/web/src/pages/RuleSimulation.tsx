import { Alert, Button, Card, Col, Descriptions, Input, Progress, Row, Space, Table, Tag, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ApiError, call } from '../api';
import { toCsv, type CsvColumn } from '../csv';
import { DataTable } from '../components/DataTable';
import { EnumText } from '../components/EnumText';
import { ShortId } from '../components/ShortId';
import { shanghaiTime, yuan } from '../format';
import { useCodes, useT } from '../i18n';

type Track = 'GENERAL' | 'SERIOUS';
/** A merchant under one rulebook, as the scoring service's simulation report has it (libs/domain rule-simulation.ts). */
interface Judgement {
  years: { naturalYear: number; points: Record<Track, number>; nodes: { track: Track; node: number; status: 'IMPOSED' | 'SKIPPED' }[] }[];
  sanctions: { violationId: string; kind: 'LADDER_NODE' | 'FORGERY'; track: Track | null; node: number | null; outcome: string | null; fineFen: number }[];
  finesFen: number;
  forgery: { violationId: string; caseNumber: number; outcome: string; fineFen: number; remediationAssumed: boolean }[];
}
interface Difference { marketplace: string; merchantId: string; before: Judgement; after: Judgement }
interface DecisionSummary { ruleVersion: string; points: number | null }
interface ChangedDecision { violationId: string; merchantId: string; occurredAt: string; kinds: string[]; before: DecisionSummary; after: DecisionSummary; reason: string }
interface NodeChange { track: Track; node: number; reachedBefore: number; reachedAfter: number; newlyReaching: number; noLongerReaching: number }
interface Report {
  violations: number;
  history: number;
  merchants: number;
  merchantsChanged: number;
  decisionsChanged: number;
  nodes: NodeChange[];
  finesFen: { before: number; after: number };
  forgery: { cases: number; clearedOutBefore: number; clearedOutAfter: number; finedInsteadOfClearedOut: number; clearedOutInsteadOfFined: number; remediationAssumed: number };
  differences: Difference[];
  differencesTotal?: number;
  sample: ChangedDecision[];
}
export interface SimulationRun {
  runId: string;
  marketplace: string;
  draftVersion: string;
  from: string;
  to: string;
  requestedBy: string;
  requestedAt: string;
  status: 'QUEUED' | 'RUNNING' | 'DONE' | 'FAILED';
  progress: number;
  finishedAt: string | null;
  error: string | null;
  report: Report | null;
}

const DAY_MS = 86_400_000;
const SHANGHAI_MS = 8 * 3_600_000;
/** A date (YYYY-MM-DD) in Asia/Shanghai, `days` from now. */
const shanghaiDate = (days: number) => new Date(Date.now() + SHANGHAI_MS + days * DAY_MS).toISOString().slice(0, 10);
/** The same Shanghai date a year earlier (29 February becomes 1 March). */
const yearBefore = (date: string) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() - 1);
  return d.toISOString().slice(0, 10);
};
const POLL_MS = 500;

const total = (j: Judgement, track: Track) => j.years.reduce((sum, y) => sum + y.points[track], 0);
const pointsText = (j: Judgement) => j.years.map((y) => `${y.naturalYear}: ${y.points.GENERAL}/${y.points.SERIOUS}`).join('; ') || '—';
const nodesText = (j: Judgement) => j.years.flatMap((y) => y.nodes.filter((n) => n.status === 'IMPOSED').map((n) => `${y.naturalYear} ${n.track === 'SERIOUS' ? 'S' : 'G'}${n.node}`)).join(', ') || '—';
const sanctionsText = (j: Judgement) => j.sanctions.map((s) => (s.kind === 'LADDER_NODE' ? `${s.track === 'SERIOUS' ? 'S' : 'G'}${s.node}` : `F:${s.outcome}`)).join(', ') || '—';
const forgeryText = (j: Judgement) => j.forgery.map((f) => `#${f.caseNumber} ${f.outcome}`).join(', ') || '—';
const arrow = (before: string, after: string) => (before === after ? before : `${before} → ${after}`);

/** The scoring service's sort keys of a run's merchants (GET /v1/simulations/{runId}/merchants): the id, or the change of points per track or of fines. */
type SortKey = 'merchantId' | 'serious' | 'general' | 'fines';
interface MerchantPage { items: Difference[]; total: number; kept: number }
/** The most merchants one page may hold (the report keeps 500 at most). */
const EXPORT_PAGE = 500;
const merchantsPath = (runId: string, q: { key: SortKey; order: 'ascend' | 'descend'; limit: number; offset: number }) =>
  `/v1/simulations/${runId}/merchants?${new URLSearchParams({ sort: q.key, order: q.order === 'ascend' ? 'asc' : 'desc', limit: String(q.limit), offset: String(q.offset) })}`;

/**
 * Rulebook section 9.2 on the Rules page: simulate a draft over the marketplace's stored violations of
 * a period (the scoring service's background run, polled for its progress), read its stored report
 * (totals as charts, the merchants whose judgement changes, the sample of changed decisions) and open
 * the draft's earlier runs.
 */
export function RuleSimulation({ marketplace, versionId, ruleData, onClose }: { marketplace: string; versionId: string; ruleData: Record<string, unknown>; onClose: () => void }) {
  const t = useT();
  const [from, setFrom] = useState(() => yearBefore(shanghaiDate(0)));
  const [to, setTo] = useState(() => shanghaiDate(1));
  const [runs, setRuns] = useState<SimulationRun[]>([]);
  const [run, setRun] = useState<SimulationRun>();
  const [problem, setProblem] = useState<string>();
  const polling = useRef<string | undefined>(undefined);

  const loadRuns = useCallback(async () => {
    const r = await call<{ items: SimulationRun[] }>('scoring-service', `/v1/simulations?${new URLSearchParams({ marketplace, draftVersion: versionId })}`);
    setRuns(r.items);
  }, [marketplace, versionId]);
  useEffect(() => {
    setRun(undefined);
    void loadRuns().catch(() => setRuns([]));
  }, [loadRuns]);

  /** Reads the run until it is DONE or FAILED, showing its progress; a newer open replaces it. */
  const follow = useCallback(async (runId: string) => {
    polling.current = runId;
    for (;;) {
      const current = await call<SimulationRun>('scoring-service', `/v1/simulations/${runId}`);
      if (polling.current !== runId) return;
      setRun(current);
      if (current.status === 'DONE' || current.status === 'FAILED') break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    await loadRuns();
  }, [loadRuns]);
  useEffect(() => () => void (polling.current = undefined), []);

  const start = async () => {
    setProblem(undefined);
    try {
      const queued = await call<SimulationRun>('scoring-service', '/v1/simulations', { marketplace, draftVersion: versionId, ruleData, from: `${from}T00:00:00+08:00`, to: `${to}T00:00:00+08:00` });
      setRun(queued);
      await loadRuns();
      await follow(queued.runId);
    } catch (e) {
      setProblem(e instanceof ApiError && e.problem.errors?.length ? e.problem.errors.map((p) => `${p.field}: ${p.message}`).join('; ') : (e as Error).message);
    }
  };
  const open = (runId: string) => void follow(runId).catch((e: Error) => setProblem(e.message));

  return (
    <Card title={`${t('simulation')} · ${versionId}`} data-testid="simulation" extra={<Button size="small" id="simulation-close" onClick={onClose}>{t('close')}</Button>}>
      <Space wrap align="end" style={{ marginBottom: 16 }}>
        <label htmlFor="simulation-from">{t('periodFrom')}<Input id="simulation-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} style={{ display: 'block', width: 180 }} /></label>
        <label htmlFor="simulation-to">{t('periodTo')}<Input id="simulation-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} style={{ display: 'block', width: 180 }} /></label>
        <Button type="primary" id="simulation-run" disabled={!from || !to || run?.status === 'QUEUED' || run?.status === 'RUNNING'} onClick={() => void start()}>{t('runSimulation')}</Button>
      </Space>
      <p style={{ marginTop: 0 }}>{t('simulationPeriodHint')}</p>
      {problem && <Alert type="error" showIcon title={problem} data-testid="simulation-problem" style={{ marginBottom: 16 }} />}
      {run && (run.status === 'QUEUED' || run.status === 'RUNNING') && (
        <div data-testid="simulation-progress">
          <EnumText kind="simulationStatus" value={run.status} />
          <Progress percent={Math.round(run.progress * 100)} aria-label={t('progress')} />
        </div>
      )}
      {run?.status === 'FAILED' && <Alert type="error" showIcon title={`${t('simulationFailed')}: ${run.error ?? ''}`} data-testid="simulation-failed" />}
      {run?.status === 'DONE' && run.report && <SimulationReportView run={run} report={run.report} />}

      <h3 style={{ fontSize: 16, marginTop: 24 }}>{t('earlierSimulations')}</h3>
      <DataTable<SimulationRun> id="simulation-runs" testId="simulation-runs" rowKey={(r) => r.runId} source={{ rows: runs }} exportName={`simulations-${versionId}`} pageSize={10}
        tableProps={{ locale: { emptyText: t('noSimulations') } }}
        columns={[
          { key: 'requestedAt', title: t('requestedAt'), sortable: true, firstOrder: 'desc', render: (r) => shanghaiTime(r.requestedAt) },
          { key: 'requestedBy', title: t('requestedBy'), sortable: true },
          { key: 'period', title: t('period'), value: (r) => `${r.from.slice(0, 10)} – ${r.to.slice(0, 10)}` },
          { key: 'status', title: t('status'), sortable: true, render: (r) => <EnumText kind="simulationStatus" value={r.status} /> },
          { key: 'open', title: '', fixed: true, noExport: true, render: (r) => <Button size="small" data-testid={`open-simulation-${r.runId}`} onClick={() => open(r.runId)}>{t('open')}</Button> },
        ]} />
    </Card>
  );
}

function SimulationReportView({ run, report }: { run: SimulationRun; report: Report }) {
  const t = useT();
  const codes = useCodes();
  const [sort, setSort] = useState<{ key: SortKey; order: 'ascend' | 'descend' }>({ key: 'merchantId', order: 'ascend' });
  const [page, setPage] = useState({ current: 1, pageSize: 20 });
  const [merchants, setMerchants] = useState<MerchantPage>();
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    let current = true;
    setLoading(true);
    call<MerchantPage>('scoring-service', merchantsPath(run.runId, { ...sort, limit: page.pageSize, offset: (page.current - 1) * page.pageSize }))
      .then((r) => current && setMerchants(r))
      .catch(() => current && setMerchants(undefined))
      .finally(() => current && setLoading(false));
    return () => void (current = false);
  }, [run.runId, sort, page]);
  const trackLetter = (track: Track) => codes('track', track);
  const nodeData = report.nodes.map((n) => ({ name: `${trackLetter(n.track)} ${n.node}`, newlyReaching: n.newlyReaching, noLongerReaching: n.noLongerReaching }));
  const fineData = [{ name: t('finesCharged'), before: report.finesFen.before / 100, after: report.finesFen.after / 100 }];
  const forgeryData = [
    { name: t('finedInsteadOfClearedOut'), cases: report.forgery.finedInsteadOfClearedOut },
    { name: t('clearedOutInsteadOfFined'), cases: report.forgery.clearedOutInsteadOfFined },
  ];
  const csvColumns: CsvColumn<Difference>[] = [
    { header: t('merchant'), value: (d) => d.merchantId },
    { header: `${t('points')} (${t('general')}/${t('serious')}) · ${t('before')}`, value: (d) => pointsText(d.before) },
    { header: `${t('points')} (${t('general')}/${t('serious')}) · ${t('after')}`, value: (d) => pointsText(d.after) },
    { header: `${t('nodes')} · ${t('before')}`, value: (d) => nodesText(d.before) },
    { header: `${t('nodes')} · ${t('after')}`, value: (d) => nodesText(d.after) },
    { header: `${t('sanctions')} · ${t('before')}`, value: (d) => sanctionsText(d.before) },
    { header: `${t('sanctions')} · ${t('after')}`, value: (d) => sanctionsText(d.after) },
    { header: `${t('finesCharged')} (fen) · ${t('before')}`, value: (d) => d.before.finesFen },
    { header: `${t('finesCharged')} (fen) · ${t('after')}`, value: (d) => d.after.finesFen },
    { header: `${t('forgeryCases')} · ${t('before')}`, value: (d) => forgeryText(d.before) },
    { header: `${t('forgeryCases')} · ${t('after')}`, value: (d) => forgeryText(d.after) },
  ];
  /** Every merchant the report keeps, in the order shown, page by page from the service, as a CSV download. */
  const exportCsv = async () => {
    const rows: Difference[] = [];
    for (let offset = 0; ; offset += EXPORT_PAGE) {
      const r = await call<MerchantPage>('scoring-service', merchantsPath(run.runId, { ...sort, limit: EXPORT_PAGE, offset }));
      rows.push(...r.items);
      if (r.items.length < EXPORT_PAGE || rows.length >= r.kept) break;
    }
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([toCsv(rows, csvColumns)], { type: 'text/csv;charset=utf-8' }));
    link.download = `simulation-${run.draftVersion}-${run.runId.slice(0, 8)}.csv`;
    link.click();
    URL.revokeObjectURL(link.href);
  };
  const sortOrder = (key: SortKey) => (sort.key === key ? sort.order : null);
  const columns: TableColumnsType<Difference> = [
    { title: t('merchant'), key: 'merchantId', sorter: true, sortOrder: sortOrder('merchantId'), render: (_: unknown, d) => <code>{d.merchantId}</code> },
    { title: `${t('points')} · ${t('general')}`, key: 'general', sorter: true, sortOrder: sortOrder('general'), render: (_: unknown, d) => arrow(String(total(d.before, 'GENERAL')), String(total(d.after, 'GENERAL'))) },
    { title: `${t('points')} · ${t('serious')}`, key: 'serious', sorter: true, sortOrder: sortOrder('serious'), render: (_: unknown, d) => arrow(String(total(d.before, 'SERIOUS')), String(total(d.after, 'SERIOUS'))) },
    { title: `${t('year')} (${t('general')}/${t('serious')})`, key: 'years', render: (_: unknown, d) => arrow(pointsText(d.before), pointsText(d.after)) },
    { title: t('nodes'), key: 'nodes', render: (_: unknown, d) => arrow(nodesText(d.before), nodesText(d.after)) },
    { title: t('sanctions'), key: 'sanctions', render: (_: unknown, d) => arrow(sanctionsText(d.before), sanctionsText(d.after)) },
    { title: t('finesCharged'), key: 'fines', sorter: true, sortOrder: sortOrder('fines'), render: (_: unknown, d) => arrow(yuan(d.before.finesFen), yuan(d.after.finesFen)) },
    {
      title: t('forgeryCases'),
      key: 'forgery',
      render: (_: unknown, d) => (d.before.forgery.length + d.after.forgery.length === 0 ? '—' : (
        <>{d.before.forgery.map((f) => <Tag key={`b${f.violationId}`}>#{f.caseNumber} <EnumText kind="forgeryCase" value={f.outcome} /></Tag>)} → {d.after.forgery.map((f) => <Tag key={`a${f.violationId}`}>#{f.caseNumber} <EnumText kind="forgeryCase" value={f.outcome} /></Tag>)}</>
      )),
    },
  ];

  return (
    <div data-testid="simulation-report">
      <Descriptions size="small" bordered column={3} data-testid="simulation-totals" style={{ marginBottom: 16 }}
        items={[
          { key: 'period', label: t('period'), children: `${run.from.slice(0, 10)} – ${run.to.slice(0, 10)} (UTC+8)` },
          { key: 'violations', label: t('violationsReplayed'), children: `${report.violations} (+${report.history} ${t('history')})` },
          { key: 'merchants', label: t('merchantsChanged'), children: <span data-testid="merchants-changed">{report.merchantsChanged} / {report.merchants}</span> },
          { key: 'decisions', label: t('decisionsChanged'), children: report.decisionsChanged },
          { key: 'fines', label: t('finesCharged'), children: <span data-testid="fines-before-after">{yuan(report.finesFen.before)} → {yuan(report.finesFen.after)}</span> },
          { key: 'forgery', label: t('finedInsteadOfClearedOut'), children: `${report.forgery.finedInsteadOfClearedOut} / ${report.forgery.cases}` },
        ]} />
      <Row gutter={16}>
        <Col span={12}>
          <h3 style={{ fontSize: 14 }} id="simulation-nodes-title">{t('nodesReached')}</h3>
          <div data-testid="simulation-nodes-chart" role="img" aria-labelledby="simulation-nodes-title">
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={nodeData}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="name" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Legend />
                <Bar dataKey="newlyReaching" name={t('newlyReaching')} fill="#cf1322" isAnimationActive={false} />
                <Bar dataKey="noLongerReaching" name={t('noLongerReaching')} fill="#389e0d" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </Col>
        <Col span={6}>
          <h3 style={{ fontSize: 14 }} id="simulation-fines-title">{t('finesCharged')} (¥)</h3>
          <div role="img" aria-labelledby="simulation-fines-title">
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={fineData}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="name" />
                <YAxis />
                <Tooltip />
                <Legend />
                <Bar dataKey="before" name={t('before')} fill="#8c8c8c" isAnimationActive={false} />
                <Bar dataKey="after" name={t('after')} fill="#1677ff" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </Col>
        <Col span={6}>
          <h3 style={{ fontSize: 14 }} id="simulation-forgery-title">{t('forgeryCases')}</h3>
          <div role="img" aria-labelledby="simulation-forgery-title">
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={forgeryData}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="name" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Bar dataKey="cases" name={t('forgeryCases')} fill="#d46b08" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </Col>
      </Row>
      <div style={{ marginTop: 8 }}>
        <DataTable<NodeChange> id="simulation-nodes" testId="simulation-nodes" rowKey={(n) => `${n.track}-${n.node}`} source={{ rows: report.nodes }} exportName={`simulation-nodes-${run.runId}`}
          columns={[
            { key: 'track', title: t('kind'), sortable: true, render: (n) => <EnumText kind="track" value={n.track} /> },
            { key: 'node', title: t('node'), sortable: true },
            { key: 'reachedBefore', title: t('before'), sortable: true },
            { key: 'reachedAfter', title: t('after'), sortable: true },
            { key: 'newlyReaching', title: t('newlyReaching'), sortable: true, firstOrder: 'desc' },
            { key: 'noLongerReaching', title: t('noLongerReaching'), sortable: true, firstOrder: 'desc' },
          ]} />
      </div>

      <Space style={{ margin: '16px 0 8px' }} wrap>
        <h3 style={{ fontSize: 16, margin: 0 }}>{t('merchantsChanged')}</h3>
        {merchants && <span data-testid="simulation-merchants-total">{t('total')} {merchants.total}{merchants.total > merchants.kept ? ` (${t('simulationRowsKept')} ${merchants.kept})` : ''}</span>}
        <Button size="small" id="simulation-export" onClick={() => void exportCsv()}>{t('exportCsv')}</Button>
      </Space>
      <Table<Difference> size="small" rowKey="merchantId" dataSource={merchants?.items ?? []} loading={loading} data-testid="simulation-merchants" columns={columns}
        pagination={{ ...page, total: merchants?.kept ?? 0, showSizeChanger: true, pageSizeOptions: [10, 20, 50, 100] }}
        onChange={(p, _f, sorter) => {
          const one = Array.isArray(sorter) ? sorter[0] : sorter;
          const key = (one?.order ? one.columnKey : 'merchantId') as SortKey;
          const order = one?.order ?? 'ascend';
          const sortChanged = key !== sort.key || order !== sort.order;
          setSort({ key, order });
          setPage({ current: sortChanged ? 1 : (p.current ?? 1), pageSize: p.pageSize ?? page.pageSize });
        }} />

      <h3 style={{ fontSize: 16, marginTop: 16 }}>{t('changedDecisions')}</h3>
      <DataTable<ChangedDecision> id="simulation-sample" testId="simulation-sample" rowKey={(c) => c.violationId} source={{ rows: report.sample }} exportName={`simulation-sample-${run.runId}`} pageSize={10}
        columns={[
          { key: 'violationId', title: t('violation'), render: (c) => <ShortId id={c.violationId} /> },
          { key: 'merchantId', title: t('merchant'), sortable: true, render: (c) => <code>{c.merchantId}</code> },
          { key: 'occurredAt', title: t('occurredAt'), sortable: true, render: (c) => shanghaiTime(c.occurredAt) },
          { key: 'kinds', title: t('kind'), value: (c) => c.kinds.join(' '), render: (c) => c.kinds.map((k) => <Tag key={k}><EnumText kind="changedDecision" value={k} /></Tag>) },
          { key: 'version', title: t('version'), value: (c) => `${c.before.ruleVersion} → ${c.after.ruleVersion}`, render: (c) => arrow(c.before.ruleVersion, c.after.ruleVersion) },
          { key: 'points', title: t('points'), value: (c) => `${c.before.points ?? ''} → ${c.after.points ?? ''}`, render: (c) => arrow(String(c.before.points ?? '—'), String(c.after.points ?? '—')) },
          { key: 'reason', title: t('reason') },
        ]} />
    </div>
  );
}
