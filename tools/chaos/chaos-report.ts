import type { ChaosOptions } from './chaos-options';
import type { EventPlan } from './event-plan';
import type { CheckResult } from './outcome-checks';
import type { ReplicaExit } from './replica-process';
import { STAGES, type RecoveryFigures } from './recovery-times';

export interface ChaosReport {
  runId: string;
  options: ChaosOptions;
  plan: EventPlan;
  logDir: string;
  replicas: { name: string; port: number }[];
  publishingSeconds: number;
  drainSeconds: number;
  drainTimedOut: boolean;
  kafkaRetries: number;
  httpRetries: number;
  onTopic: { violations: number; sameEventCopies: number; sameViolationCopies: number; distinct: number; poison: number; profiles: number };
  recovery: RecoveryFigures;
  checks: CheckResult[];
  unexpectedExits: ReplicaExit[];
  startedAt: number;
  /** Cores, and the 1-minute load average sampled every 5 s while publishing. */
  machine: { cores: number; load: number[] };
}

const s = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : '-');

/** The run's report: what went in, the faults and how long each took to recover, every check. */
export function formatReport(r: ChaosReport): string {
  const lines: string[] = [];
  const rel = (t: number) => `+${((t - r.startedAt) / 1000).toFixed(0)} s`;
  const c = r.plan.counts;
  lines.push(`== chaos run ${r.runId} (${r.options.size}, seed ${r.options.seed})`);
  lines.push(`feed: ${c.violation} distinct violations (${r.options.httpShare * 100}% over HTTP), ${c['same-event']} same-id copies, ${c['same-violation']} same-violationId copies, ${c.poison} poison, ${c.profile} profiles; ${r.options.merchants} merchants; ${r.options.rate}/s for ${r.publishingSeconds.toFixed(0)} s (${r.kafkaRetries} Kafka and ${r.httpRetries} HTTP retries)`);
  lines.push(`on violations.detected.v1: ${r.onTopic.violations} valid messages (${r.onTopic.distinct} distinct, ${r.onTopic.sameEventCopies} same-id and ${r.onTopic.sameViolationCopies} same-violationId copies), ${r.onTopic.poison} poison; ${r.onTopic.profiles} profiles`);
  lines.push(`replicas: ${r.replicas.map((x) => `${x.name} :${x.port}`).join(', ')}`);
  const load = [...r.machine.load].sort((a, b) => a - b);
  if (load.length > 0) lines.push(`machine: ${r.machine.cores} cores, load average while publishing ${load[0].toFixed(1)} to ${load[load.length - 1].toFixed(1)} (median ${load[Math.floor(load.length / 2)].toFixed(1)}; the services, broker and database of the run included)`);
  lines.push(`outcome complete ${s(r.drainSeconds * 1000)} after the last message${r.drainTimedOut ? ' (TIMED OUT: the checks below say what is missing)' : ''}`);
  lines.push('');
  lines.push(`latency (input message -> first output message: assessed = penalty.assessed.v1, sanctioned = the node's sanction.imposed.v1, told = the penalty's inbox notification)`);
  for (const st of STAGES) {
    const l = r.recovery.latency[st];
    lines.push(`  ${st.padEnd(10)} p50 ${s(l.p50)}  p99 ${s(l.p99)}  max ${s(l.max)}  (n=${l.n}); late above ${s(r.recovery.thresholdMs[st])}`);
  }
  lines.push('');
  lines.push('faults: per stage, the worst latency of inputs from the fault\'s window (2 s before it until the next fault), the time from the');
  lines.push('fault until outputs of that window were no longer late ("recovered"), and the longest time with no output of the stage at all ("silent")');
  for (const { fault, stages } of r.recovery.perFault) {
    const back = fault.backAt ? s(fault.backAt - fault.startedAt) : '-';
    const evicted = fault.evictedAt ? `, evicted from its group after ${s(fault.evictedAt - fault.startedAt)}` : fault.kind === 'stop-replica' ? ', NOT evicted' : '';
    lines.push(`  ${rel(fault.startedAt).padStart(7)}  ${fault.label}: back after ${back}${evicted}${fault.error ? `  FAILED: ${fault.error}` : ''}`);
    lines.push(`           ${STAGES.map((st) => {
      const x = stages[st];
      return x ? `${st}: max ${s(x.maxLatencyMs)}, recovered ${s(x.recoveredAfterMs)}, silent ${s(x.longestGapMs)} (n=${x.items})` : `${st}: -`;
    }).join('   ')}`);
  }
  if (r.unexpectedExits.length > 0) {
    lines.push('');
    lines.push(`replicas that exited by themselves (started again by the run): ${r.unexpectedExits.map((e) => `${e.replica} at ${rel(e.at)} (code ${e.code}, signal ${e.signal})`).join(', ')}`);
  }
  lines.push('');
  lines.push('checks:');
  for (const check of r.checks) {
    lines.push(`  ${check.ok ? 'PASS' : 'FAIL'}  ${check.name}: ${check.summary}`);
    for (const detail of check.details.slice(0, 15)) lines.push(`          ${detail}`);
    if (check.details.length > 15) lines.push(`          … and ${check.details.length - 15} more (report.json)`);
  }
  const failedFaults = r.recovery.perFault.filter((f) => f.fault.error);
  if (failedFaults.length > 0) lines.push(`  FAIL  faults injected and recovered: ${failedFaults.map((f) => `${f.fault.label}: ${f.fault.error}`).join('; ')}`);
  lines.push('');
  lines.push(`service logs: ${r.logDir}`);
  lines.push(`RESULT: ${passed(r) ? 'PASS' : 'FAIL'}`);
  return lines.join('\n');
}

export function passed(r: Pick<ChaosReport, 'checks' | 'recovery'>): boolean {
  return r.checks.every((c) => c.ok) && r.recovery.perFault.every((f) => !f.fault.error);
}
