import { Alert, Button, Card, Col, Descriptions, Input, Progress, Row, Space, Tag } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ApiError, call } from '../api';
import { DataTable, type DataColumn } from '../components/DataTable';
import type { TableQuery } from '../table-query';
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

interface MerchantPage { items: Difference[]; total: number; kept: number }
/** The most merchants one page may hold (the report keeps 500 at most). */
const EXPORT_PAGE = 500;

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
  const [merchants, setMerchants] = useState<MerchantPage>();
  // The service's page of the merchants the report keeps, in the table's order (by id unless sorted).
  const source = useCallback(async (query: TableQuery) => {
    const params = new URLSearchParams({ sort: query.sort?.key ?? 'merchantId', order: query.sort?.order ?? 'asc', limit: String(query.limit), offset: String(query.offset) });
    const page = await call<MerchantPage>('scoring-service', `/v1/simulations/${run.runId}/merchants?${params}`);
    setMerchants(page);
    return { items: page.items, total: page.kept };
  }, [run.runId]);
  const trackLetter = (track: Track) => codes('track', track);
  const nodeData = report.nodes.map((n) => ({ name: `${trackLetter(n.track)} ${n.node}`, newlyReaching: n.newlyReaching, noLongerReaching: n.noLongerReaching }));
  const fineData = [{ name: t('finesCharged'), before: report.finesFen.before / 100, after: report.finesFen.after / 100 }];
  const forgeryData = [
    { name: t('finedInsteadOfClearedOut'), cases: report.forgery.finedInsteadOfClearedOut },
    { name: t('clearedOutInsteadOfFined'), cases: report.forgery.clearedOutInsteadOfFined },
  ];
  const beforeAfter = (header: string, of: (j: Judgement) => string | number) => [
    { header: `${header} · ${t('before')}`, value: (d: Difference) => of(d.before) },
    { header: `${header} · ${t('after')}`, value: (d: Difference) => of(d.after) },
  ];
  const pointsHeader = `${t('points')} (${t('general')}/${t('serious')})`;
  const columns: DataColumn<Difference>[] = [
    { key: 'merchantId', title: t('merchant'), sortable: true, fixed: true, render: (d) => <code>{d.merchantId}</code> },
    { key: 'general', title: `${t('points')} · ${t('general')}`, sortable: true, render: (d) => arrow(String(total(d.before, 'GENERAL')), String(total(d.after, 'GENERAL'))), exportAs: [] },
    { key: 'serious', title: `${t('points')} · ${t('serious')}`, sortable: true, render: (d) => arrow(String(total(d.before, 'SERIOUS')), String(total(d.after, 'SERIOUS'))), exportAs: [] },
    { key: 'years', title: `${t('year')} (${t('general')}/${t('serious')})`, render: (d) => arrow(pointsText(d.before), pointsText(d.after)), exportAs: beforeAfter(pointsHeader, pointsText) },
    { key: 'nodes', title: t('nodes'), render: (d) => arrow(nodesText(d.before), nodesText(d.after)), exportAs: beforeAfter(t('nodes'), nodesText) },
    { key: 'sanctions', title: t('sanctions'), render: (d) => arrow(sanctionsText(d.before), sanctionsText(d.after)), exportAs: beforeAfter(t('sanctions'), sanctionsText) },
    { key: 'fines', title: t('finesCharged'), sortable: true, render: (d) => arrow(yuan(d.before.finesFen), yuan(d.after.finesFen)), exportAs: beforeAfter(`${t('finesCharged')} (fen)`, (j) => j.finesFen) },
    {
      key: 'forgery', title: t('forgeryCases'), exportAs: beforeAfter(t('forgeryCases'), forgeryText),
      render: (d) => (d.before.forgery.length + d.after.forgery.length === 0 ? '—' : (
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
        {merchants && merchants.total > merchants.kept && <span data-testid="simulation-merchants-kept">{t('total')} {merchants.total} ({t('simulationRowsKept')} {merchants.kept})</span>}
      </Space>
      <DataTable<Difference> id="simulation-merchants" testId="simulation-merchants" rowKey={(d) => d.merchantId} source={{ server: source, maxPageSize: EXPORT_PAGE, exportPageSize: EXPORT_PAGE }}
        exportName={`simulation-${run.draftVersion}-${run.runId.slice(0, 8)}`} pageSize={20} columns={columns} />

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
