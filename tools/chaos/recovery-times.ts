import type { ExpectedOutcome } from './expected-outcome';
import type { OutcomeRecorder } from './outcome-recorder';

/** A fault as it happened: when it began and when the faulted part was back (ready, thawed, listening). */
export interface FaultRecord {
  label: string;
  kind: string;
  startedAt: number;
  backAt?: number;
  /** SIGSTOP only: when a consumer group of the run first lost a member (the frozen replica evicted). */
  evictedAt?: number;
  error?: string;
}

/** One stage of the pipeline, as seen from outside: when its input arrived and when its output did. */
export interface StageItem {
  inputTs: number;
  outputTs: number;
}

export const STAGES = ['assessed', 'sanctioned', 'told'] as const;
export type Stage = (typeof STAGES)[number];

export interface StageRecovery {
  /** Items whose input arrived in the fault's window. */
  items: number;
  maxLatencyMs: number;
  /** From the fault until the last output of the window that came later than normal; 0 when none did. */
  recoveredAfterMs: number;
  /** The longest time without any output of the stage, from the fault until it had recovered and the faulted part was back. */
  longestGapMs: number;
}

export interface RecoveryFigures {
  thresholdMs: Record<Stage, number>;
  latency: Record<Stage, { p50: number; p99: number; max: number; n: number }>;
  perFault: { fault: FaultRecord; stages: Record<Stage, StageRecovery | null> }[];
}

/**
 * Items of each stage: a violation to its penalty.assessed.v1; the violation that reached a node to
 * its sanction.imposed.v1; a violation to the in-app notification of its penalty. Output times are
 * the first copy's message timestamp, input times the first message of the violation.
 */
export function stageItems(expected: ExpectedOutcome, recorder: OutcomeRecorder): Record<Stage, StageItem[]> {
  const firstPenalty = new Map<string, { ts: number; id: string }>();
  for (const p of recorder.penalties) {
    if (p.type !== 'penalty.assessed.v1') continue;
    const known = firstPenalty.get(p.violationId);
    if (!known || p.ts < known.ts) firstPenalty.set(p.violationId, { ts: p.ts, id: p.id });
  }
  const firstInbox = new Map<string, number>();
  for (const n of recorder.notifications) if (n.channel === 'INBOX' && (!firstInbox.has(n.causeEventId) || n.ts < firstInbox.get(n.causeEventId)!)) firstInbox.set(n.causeEventId, n.ts);
  const firstSanction = new Map<string, number>();
  for (const s of recorder.sanctions) {
    if (s.type !== 'sanction.imposed.v1' || s.cause?.kind !== 'LADDER_NODE') continue;
    const k = `${s.merchantId}/${s.cause.naturalYear}/${s.cause.node}`;
    if (!firstSanction.has(k) || s.ts < firstSanction.get(k)!) firstSanction.set(k, s.ts);
  }
  const assessed: StageItem[] = [];
  const told: StageItem[] = [];
  for (const e of expected.assessments.values()) {
    const p = firstPenalty.get(e.violationId);
    if (!p) continue;
    assessed.push({ inputTs: e.inputTs, outputTs: p.ts });
    const inbox = firstInbox.get(p.id);
    if (inbox !== undefined) told.push({ inputTs: e.inputTs, outputTs: inbox });
  }
  const sanctioned: StageItem[] = [];
  for (const s of expected.sanctions) {
    const ts = firstSanction.get(`${s.merchantId}/${s.naturalYear}/${s.node}`);
    if (ts !== undefined) sanctioned.push({ inputTs: s.inputTs, outputTs: ts });
  }
  return { assessed, sanctioned, told };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Per fault and stage: the window runs from 2 s before the fault until the next fault (or the end).
 * "Normal" is below max(5 s, 5 × the stage's median latency over the whole run: faults touch a
 * minority of items, so the median is the platform's ordinary pace on this machine), at most 30 s
 * (a stage that is behind all run long is late, not normal); the recovery time is how long after
 * the fault outputs of inputs from its window still came late.
 */
export function recoveryFigures(items: Record<Stage, StageItem[]>, faults: FaultRecord[]): RecoveryFigures {
  const thresholdMs = {} as Record<Stage, number>;
  const latency = {} as RecoveryFigures['latency'];
  for (const stage of STAGES) {
    const sorted = items[stage].map((i) => i.outputTs - i.inputTs).sort((a, b) => a - b);
    thresholdMs[stage] = Math.min(30_000, Math.max(5_000, 5 * (percentile(sorted, 50) || 0)));
    latency[stage] = { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN, n: sorted.length };
  }
  const outputTimes = {} as Record<Stage, number[]>;
  for (const stage of STAGES) outputTimes[stage] = items[stage].map((i) => i.outputTs).sort((a, b) => a - b);
  const ordered = [...faults].sort((a, b) => a.startedAt - b.startedAt);
  const perFault = ordered.map((fault, i) => {
    const from = fault.startedAt - 2_000;
    const until = ordered[i + 1]?.startedAt ?? Infinity;
    const stages = {} as Record<Stage, StageRecovery | null>;
    for (const stage of STAGES) {
      const inWindow = items[stage].filter((item) => item.inputTs >= from && item.inputTs < until);
      if (inWindow.length === 0) {
        stages[stage] = null;
        continue;
      }
      let maxLatencyMs = 0;
      let lastLate = fault.startedAt;
      for (const item of inWindow) {
        const l = item.outputTs - item.inputTs;
        maxLatencyMs = Math.max(maxLatencyMs, l);
        if (l > thresholdMs[stage]) lastLate = Math.max(lastLate, item.outputTs);
      }
      const end = Math.max(lastLate, fault.backAt ?? fault.startedAt) + 1_000;
      let previous = fault.startedAt;
      let longestGapMs = 0;
      for (const ts of outputTimes[stage]) {
        if (ts < fault.startedAt) continue;
        if (ts > end) break;
        longestGapMs = Math.max(longestGapMs, ts - previous);
        previous = ts;
      }
      stages[stage] = { items: inWindow.length, maxLatencyMs, recoveredAfterMs: lastLate - fault.startedAt, longestGapMs };
    }
    return { fault, stages };
  });
  return { thresholdMs, latency, perFault };
}
