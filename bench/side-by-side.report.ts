// The benchmark's printed report: markdown tables of every figure, and the targets of issue 9 item 7.
import type { IngestionLevel } from './http-ingestion';
import type { RunResult, SystemName } from './measured-run';
import type { StatementReport } from './statement-stats';

export const SYSTEM_NAMES: Record<SystemName, string> = {
  A: 'A: kafkajs 3-hop pass-through, no database',
  B: 'B: 3 hops, one PostgreSQL transaction per batch (processed ids + outbox rows, set-wise)',
  C: 'C: the platform (api, scoring, sanction, notification services)',
};

export const TARGETS = {
  burstPerSecond: 2000,
  burstShareOfB: 0.3,
  pacedRate: 500,
  pacedNotificationP99Ms: 500,
  keptUpDrainMs: 1000,
  httpClients: 64,
  httpAcceptedPerSecond: 2000,
  httpP99Ms: 200,
  serviceRssMb: 300,
  violations: 20000,
  merchants: 2000,
};

export interface ReportInput {
  header: string[];
  results: RunResult[];
  /** Systems that could not be measured, and why. */
  failures: { system: SystemName; reason: string }[];
  http: IngestionLevel[];
  /** Conditions of the run the figures depend on (e.g. a system still busy when a run began). */
  notes?: string[];
  httpNote?: string;
  batchNote?: string;
  /** C's statements per measured run (pg_stat_statements), when the server has the extension. */
  statements?: StatementReport[];
  violations: number;
  merchants: number;
  rate: number;
  services: string[];
}

const n0 = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? 'n/a' : Math.round(v).toLocaleString('en-US'));
const n2 = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(2));
const ms = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? 'n/a' : `${Math.round(v)}`);
const pct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? 'n/a' : `${(v * 100).toFixed(1)} %`);
/** Events/s the publisher managed: the first send's start to the last's (a paced run's last send is due at (n − chunk) / rate). */
const offeredPerSecond = (r: RunResult) => (r.publishSeconds > 0 ? r.events / r.publishSeconds : Infinity);
const offered = (r: RunResult) => (Number.isFinite(offeredPerSecond(r)) ? n0(offeredPerSecond(r)) : 'all at once');
/** A paced run whose publisher fell behind its rate (a saturated machine) did not offer the rate it names. */
const publisherBehind = (r: RunResult) => r.rate > 0 && offeredPerSecond(r) < 0.95 * r.rate;
const runName = (r: RunResult) => (r.rate > 0 ? `paced ${r.rate}/s` : 'burst');

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function find(results: RunResult[], system: SystemName, paced: boolean): RunResult | undefined {
  return results.find((r) => r.system === system && r.rate > 0 === paced);
}

type Verdict = 'met' | 'not met' | 'not measured';
const verdict = (measured: boolean, ok: boolean): Verdict => (!measured ? 'not measured' : ok ? 'met' : 'not met');

export function renderReport(input: ReportInput): string {
  const { results } = input;
  const out: string[] = [];
  out.push('', '## Side-by-side benchmark', '', ...input.header.map((l) => `- ${l}`), '');
  for (const f of input.failures) out.push(`**${SYSTEM_NAMES[f.system]}: not measured**: ${f.reason}`, '');
  for (const note of input.notes ?? []) out.push(`Note: ${note}.`, '');
  for (const r of results.filter(publisherBehind)) out.push(`Note: ${r.system}'s paced run was offered only ${offered(r)}/s of ${r.rate}/s: the publisher (in this process) fell behind, the machine being saturated.`, '');

  out.push('### Throughput (events/s from the first publish; "end to end" = every expected output out)', '');
  out.push(table(
    ['system', 'run', 'finished', 'published in (offered/s)', 'events/s into first hop', 'events/s end to end', 'last output after last publish'],
    results.map((r) => [r.system, runName(r), r.finished ? 'yes' : `**no**: ${r.failure}`, `${n2(r.publishSeconds)} s (${offered(r)})`, n0(r.firstHopPerSecond), n0(r.endToEndPerSecond), r.drainMs === undefined ? 'n/a' : `${n0(r.drainMs)} ms`]),
  ));
  const ratio = (paced: boolean, of: SystemName, key: 'endToEndPerSecond' | 'firstHopPerSecond') => {
    const c = find(results, 'C', paced)?.[key];
    const other = find(results, of, paced)?.[key];
    return c !== undefined && other !== undefined ? c / other : undefined;
  };
  out.push('', `Ratios (burst): end to end C/A ${pct(ratio(false, 'A', 'endToEndPerSecond'))}, C/B ${pct(ratio(false, 'B', 'endToEndPerSecond'))}; into the first hop C/A ${pct(ratio(false, 'A', 'firstHopPerSecond'))}, C/B ${pct(ratio(false, 'B', 'firstHopPerSecond'))}.`, '');

  out.push('### Latency per hop, p50 / p99 ms (from the publish; Kafka producer timestamps of each hop\'s output)', '');
  const latencyRows: string[][] = [];
  for (const r of results) for (const l of r.hops) latencyRows.push([r.system, runName(r), l.label, ms(l.p50), ms(l.p99), ms(l.max), n0(l.n)]);
  out.push(table(['system', 'run', 'hop', 'p50', 'p99', 'max', 'n'], latencyRows), '');

  out.push('### Where the time goes, p50 / p99 ms (between hops; C: decision = the service\'s event time, on Kafka = producer timestamp)', '');
  const splitRows: string[][] = [];
  for (const r of results) for (const l of r.split) splitRows.push([r.system, runName(r), l.label, ms(l.p50), ms(l.p99), n0(l.n)]);
  out.push(table(['system', 'run', 'step', 'p50', 'p99', 'n'], splitRows), '');

  out.push('### CPU seconds per 1,000 events and peak RSS, per process (from /proc, first publish → last expected output)', '');
  const usageRows: string[][] = [];
  for (const r of results) {
    const perThousand = (cpu: number) => n2((cpu / r.events) * 1000);
    for (const u of r.usage.subjects) usageRows.push([r.system, runName(r), u.partOf ? `  of which ${u.name}` : u.name, perThousand(u.cpuSeconds), n2(u.cpuSeconds), u.peakRssMb > 0 ? n0(u.peakRssMb) : 'n/a']);
    const counted = r.usage.subjects.filter((u) => !u.partOf);
    const measured = counted.reduce((sum, u) => sum + (Number.isFinite(u.cpuSeconds) ? u.cpuSeconds : 0), 0);
    const missing = counted.filter((u) => !Number.isFinite(u.cpuSeconds)).map((u) => u.name);
    usageRows.push([r.system, runName(r), `**sum of the above**${missing.length > 0 ? ` (without ${missing.join(', ')}: restarted or gone during the run)` : ''}`, perThousand(measured), n2(measured), '']);
    usageRows.push([r.system, runName(r), `whole machine busy (${n2(r.usage.wallSeconds)} s wall, load before ${r.loadBefore})`, perThousand(r.usage.machineCpuSeconds), n2(r.usage.machineCpuSeconds), '']);
  }
  out.push(table(['system', 'run', 'process', 'CPU s / 1,000 events', 'CPU s', 'peak RSS MB'], usageRows), '');
  out.push('"Whole machine" minus the sum is other work on the machine during the run (the OS, other users of the shared cores).', '');

  for (const report of input.statements ?? []) {
    out.push(`### Where PostgreSQL's time goes: C, ${report.run} (pg_stat_statements of C's database, most time first)`, '');
    out.push(`${n0(report.calls)} statements, ${n0(report.totalMs)} ms in all (execution time, which includes waiting for locks such as the outbox lanes' advisory locks).`, '');
    out.push(table(
      ['statement', 'calls', 'total ms', 'share', 'ms per call', 'rows'],
      report.top.map((f) => [`\`${f.query.length > 150 ? `${f.query.slice(0, 150)}…` : f.query}\``.replace(/\|/g, '\\|'), n0(f.calls), n0(f.totalMs), pct(f.totalMs / report.totalMs), n2(f.meanMs), n0(f.rows)]),
    ), '');
  }

  if (input.http.length > 0 || input.httpNote) {
    out.push('### HTTP ingestion (C\'s api, `x-api-key`, one keep-alive connection per client)', '');
    if (input.httpNote) out.push(input.httpNote, '');
    out.push(table(
      ['route', 'clients', 'seconds', 'requests', 'accepted requests', 'accepted requests/s', 'accepted events/s', 'p50 ms', 'p99 ms', 'other answers'],
      input.http.map((h) => [h.route, String(h.clients), n2(h.seconds), n0(h.requests), n0(h.accepted), n0(h.acceptedPerSecond), n0(h.eventsPerSecond), ms(h.latency.p50), ms(h.latency.p99), Object.entries(h.others).map(([k, v]) => `${k}×${v}`).join(', ') || '-']),
    ), '');
    if (input.batchNote) out.push(input.batchNote, '');
  }

  out.push('### Targets (issue 9 item 7)', '');
  const defaultSize = input.violations === TARGETS.violations && input.merchants === TARGETS.merchants;
  if (!defaultSize) out.push(`The targets are set for ${n0(TARGETS.violations)} violations over ${n0(TARGETS.merchants)} merchants; this run used ${n0(input.violations)} over ${n0(input.merchants)}, so the verdicts below are indicative only.`, '');
  const cBurst = find(results, 'C', false);
  const bBurst = find(results, 'B', false);
  const cPaced = find(results, 'C', true);
  const http = input.http.find((h) => h.clients === TARGETS.httpClients && h.route === '/v1/violations');
  const batchHttp = input.http.find((h) => h.clients === TARGETS.httpClients && h.route !== '/v1/violations');
  const shareOfB = cBurst?.endToEndPerSecond !== undefined && bBurst?.endToEndPerSecond ? cBurst.endToEndPerSecond / bBurst.endToEndPerSecond : undefined;
  const pacedAtTarget = cPaced !== undefined && cPaced.rate === TARGETS.pacedRate;
  const pacedNotification = cPaced?.hops.find((l) => l.label.startsWith('publish → notification.sent.v1'));
  const serviceRss = cBurst ? cBurst.usage.subjects.filter((u) => input.services.includes(u.name)) : [];
  const maxRss = serviceRss.length > 0 ? Math.max(...serviceRss.map((u) => u.peakRssMb)) : undefined;
  const rows: string[][] = [
    ['burst, end to end', `≥ ${n0(TARGETS.burstPerSecond)} violations/s`, cBurst ? (cBurst.finished ? `${n0(cBurst.endToEndPerSecond)}/s` : 'did not finish') : 'n/a', verdict(cBurst !== undefined, (cBurst?.endToEndPerSecond ?? 0) >= TARGETS.burstPerSecond)],
    ['burst, end to end, share of B', `≥ ${pct(TARGETS.burstShareOfB)}`, pct(shareOfB), verdict(cBurst !== undefined && bBurst?.endToEndPerSecond !== undefined, (shareOfB ?? 0) >= TARGETS.burstShareOfB)],
    [`paced ${TARGETS.pacedRate}/s: kept up (every output ≤ ${n0(TARGETS.keptUpDrainMs)} ms after the last publish)`, 'kept up',
      cPaced ? `${cPaced.finished ? `last output ${n0(cPaced.drainMs)} ms after the last publish` : 'did not finish'}${pacedAtTarget ? '' : ` (measured at ${cPaced.rate}/s)`}${publisherBehind(cPaced) ? ` (offered only ${offered(cPaced)}/s)` : ''}` : 'n/a',
      verdict(pacedAtTarget, cPaced?.finished === true && (cPaced.drainMs ?? Infinity) <= TARGETS.keptUpDrainMs)],
    [`paced ${TARGETS.pacedRate}/s: publish → notification.sent.v1 of a sanction, p99`, `≤ ${TARGETS.pacedNotificationP99Ms} ms`, pacedNotification && pacedNotification.n > 0 ? `${ms(pacedNotification.p99)} ms${pacedAtTarget ? '' : ` (at ${cPaced!.rate}/s)`}` : 'n/a',
      verdict(pacedAtTarget && (pacedNotification?.n ?? 0) > 0, (pacedNotification?.p99 ?? Infinity) <= TARGETS.pacedNotificationP99Ms && cPaced?.finished === true)],
    [`HTTP, ${TARGETS.httpClients} clients: accepted`, `≥ ${n0(TARGETS.httpAcceptedPerSecond)}/s`, http ? `${n0(http.acceptedPerSecond)}/s` : 'n/a', verdict(http !== undefined, (http?.acceptedPerSecond ?? 0) >= TARGETS.httpAcceptedPerSecond)],
    [`HTTP, ${TARGETS.httpClients} clients: p99`, `≤ ${TARGETS.httpP99Ms} ms`, http ? `${ms(http.latency.p99)} ms` : 'n/a', verdict(http !== undefined && http.latency.n > 0, (http?.latency.p99 ?? Infinity) <= TARGETS.httpP99Ms)],
    ...(batchHttp ? [[`HTTP, ${TARGETS.httpClients} clients, batch route \`${batchHttp.route}\` (${batchHttp.eventsPerRequest} events a request)`, `≥ ${n0(TARGETS.httpAcceptedPerSecond)} violations/s, p99 ≤ ${TARGETS.httpP99Ms} ms`, `${n0(batchHttp.eventsPerSecond)}/s, p99 ${ms(batchHttp.latency.p99)} ms`, verdict(batchHttp.latency.n > 0, batchHttp.eventsPerSecond >= TARGETS.httpAcceptedPerSecond && batchHttp.latency.p99 <= TARGETS.httpP99Ms)]] : []),
    ['every service, peak RSS through the burst', `≤ ${TARGETS.serviceRssMb} MB`, maxRss !== undefined ? serviceRss.map((u) => `${u.name} ${n0(u.peakRssMb)}`).join(', ') + ' MB' : 'n/a', verdict(maxRss !== undefined, (maxRss ?? Infinity) <= TARGETS.serviceRssMb)],
  ];
  out.push(table(['target', 'wanted', 'measured', 'verdict'], rows), '');
  return out.join('\n');
}
