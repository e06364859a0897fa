import { naturalYearOf, startOfNaturalYear, type Scenario, type Severity, type ViolationCode } from '@penalty/domain';
import { aProfileEvent, aViolationEvent } from '@penalty/testing';
import type { ChaosOptions } from './chaos-options';

export type ViolationEvent = ReturnType<typeof aViolationEvent>;
export type ProfileEvent = ReturnType<typeof aProfileEvent>;
export type PoisonKind = 'UNPARSEABLE' | 'DATA_INVALID' | 'UNKNOWN_CODE';

/** One message of the feed, in publishing order. */
export type PlannedMessage =
  | { kind: 'violation'; lane: 'kafka' | 'http'; event: ViolationEvent }
  /** (a) the same CloudEvent published again (over HTTP: posted again). */
  | { kind: 'same-event'; lane: 'kafka' | 'http'; event: ViolationEvent }
  /** (b) the same violationId under a new CloudEvent id. */
  | { kind: 'same-violation'; lane: 'kafka'; event: ViolationEvent }
  | { kind: 'poison'; poison: PoisonKind; marker: string; key: string; value: string }
  | { kind: 'profile'; event: ProfileEvent };

export interface EventPlan {
  messages: PlannedMessage[];
  merchantIds: string[];
  /** The natural year (Asia/Shanghai) every violation occurred in. */
  naturalYear: number;
  counts: Record<PlannedMessage['kind'], number>;
}

/** mulberry32: a small seeded generator, so a failing event set can be generated again (`--seed`). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * What the violations are. Mostly the rulebook's plain case (STANDARD counterfeit goods, 12 serious
 * points, one ladder node per violation), with a few codes whose outcome depends on order and that
 * the domain lib still decides unambiguously: 6-point serious violations (nodes reached between two
 * violations), a 48-point one (several nodes at once, the lower ones skipped), general violations
 * (no ladder) and an exam-eligible scenario (the first of the year costs nothing).
 */
const MIX: { share: number; code: ViolationCode; severity: Severity | 'ANY'; scenario?: Scenario }[] = [
  { share: 0.8, code: 'COUNTERFEIT_GOODS', severity: 'STANDARD' },
  { share: 0.06, code: 'FRAUD', severity: 'MINOR' },
  { share: 0.01, code: 'PROHIBITED_INFORMATION', severity: 'SEVERE' },
  { share: 0.08, code: 'DELAYED_SHIPMENT', severity: 'ANY' },
  { share: 0.05, code: 'INFORMATION_ABUSE', severity: 'STANDARD', scenario: 'AD_INFO' },
];
const SEVERITIES: Severity[] = ['MINOR', 'STANDARD', 'SEVERE'];

/**
 * The feed: violations over merchants that come and go (a sliding window, so that ladder nodes and
 * their sanctions are reached all through the run rather than only at its start), duplicates of
 * both kinds shortly after their original, poison messages and merchant profiles.
 */
export function planEvents(options: ChaosOptions, runId: string, now = new Date()): EventPlan {
  const random = seededRandom(options.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const merchantIds = Array.from({ length: options.merchants }, (_, i) => `cm-${runId}-${String(i).padStart(5, '0')}`);
  const poisonCount = Math.max(3, Math.round(options.messages * options.poisonShare));
  const duplicateCount = Math.round(options.messages * options.duplicateShare);
  const distinctCount = options.messages - poisonCount - duplicateCount;
  if (distinctCount < options.merchants) throw new Error(`${options.messages} messages are too few for ${options.merchants} merchants`);

  // Every violation in the current natural year, before now: one year, so totals never restart mid-run.
  const naturalYear = naturalYearOf(now);
  const yearStart = startOfNaturalYear(naturalYear).getTime();
  const latest = now.getTime() - 60_000;
  const occurredAt = () => new Date(latest <= yearStart ? latest : yearStart + random() * (latest - yearStart)).toISOString();

  const window = Math.max(1, Math.round(options.merchants / 10));
  const merchantFor = (k: number) => merchantIds[Math.min(options.merchants - 1, Math.floor((k / distinctCount) * (options.merchants - window + 1)) + Math.floor(random() * window))];

  const messages: PlannedMessage[] = [];
  const profiled = new Set<string>();
  const recent: { lane: 'kafka' | 'http'; event: ViolationEvent }[] = [];
  // Where duplicates and poison go: spread evenly among the distinct violations.
  const extras: ('dup' | 'poison')[] = [...Array(duplicateCount).fill('dup'), ...Array(poisonCount).fill('poison')];
  for (let i = extras.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [extras[i], extras[j]] = [extras[j], extras[i]];
  }
  const extraEvery = distinctCount / Math.max(1, extras.length);
  let nextExtra = 0;
  let poisonSeq = 0;
  const poisonKinds: PoisonKind[] = ['UNPARSEABLE', 'DATA_INVALID', 'UNKNOWN_CODE'];

  const placeExtra = (extra: 'dup' | 'poison', merchantId: string) => {
    if (extra === 'poison') {
      const kind = poisonKinds[poisonSeq % poisonKinds.length];
      const marker = `poison-${runId}-${poisonSeq++}`;
      messages.push({ kind: 'poison', poison: kind, marker, key: merchantId, value: poisonValue(kind, marker, merchantId) });
      return;
    }
    const original = pick(recent);
    if (original.lane === 'http') messages.push({ kind: 'same-event', lane: 'http', event: original.event });
    else if (random() < 0.5) messages.push({ kind: 'same-event', lane: 'kafka', event: original.event });
    else messages.push({ kind: 'same-violation', lane: 'kafka', event: { ...original.event, id: `dup-${original.event.id}` } });
  };

  for (let k = 0; k < distinctCount; k++) {
    const merchantId = merchantFor(k);
    if (!profiled.has(merchantId) && random() < options.profileShare) {
      profiled.add(merchantId);
      messages.push({ kind: 'profile', event: profileOf(merchantId, random) });
    } else if (profiled.has(merchantId) && random() < 0.02) {
      // A later change of the same merchant's profile: the last one must win.
      messages.push({ kind: 'profile', event: profileOf(merchantId, random) });
    }
    const mix = chooseMix(random());
    const event = aViolationEvent({
      merchantId,
      code: mix.code,
      severity: mix.severity === 'ANY' ? pick(SEVERITIES) : mix.severity,
      ...(mix.scenario ? { scenario: mix.scenario } : {}),
      occurredAt: occurredAt(),
      violationId: `cv-${runId}-${k}`,
    });
    const lane = random() < options.httpShare ? 'http' : 'kafka';
    messages.push({ kind: 'violation', lane, event });
    recent.push({ lane, event });
    if (recent.length > 50) recent.shift();

    const last = k === distinctCount - 1;
    while (nextExtra < extras.length && (last || (nextExtra + 1) * extraEvery <= k + 1)) placeExtra(extras[nextExtra++], merchantId);
  }
  const counts = { violation: 0, 'same-event': 0, 'same-violation': 0, poison: 0, profile: 0 };
  for (const m of messages) counts[m.kind]++;
  return { messages, merchantIds, naturalYear, counts };
}

function chooseMix(r: number) {
  let cumulative = 0;
  for (const entry of MIX) {
    cumulative += entry.share;
    if (r < cumulative) return entry;
  }
  return MIX[0];
}

function profileOf(merchantId: string, random: () => number): ProfileEvent {
  const storeTypes = ['FLAGSHIP', 'SPECIALTY', 'FRANCHISE', 'MARKETPLACE_FLAGSHIP'] as const;
  const categories = [[], [], ['BOOKS_AUDIO_VIDEO'], ['OTC_DRUGS_MEDICAL_DEVICES'], ['SERVICES']];
  return aProfileEvent({
    merchantId,
    storeType: storeTypes[Math.floor(random() * storeTypes.length)],
    trademarkStatus: random() < 0.5 ? 'TM' : 'R',
    categories: categories[Math.floor(random() * categories.length)],
  });
}

/** A poison message carries its marker (the CloudEvent id, or text inside what is not JSON) so its dead letter can be found. */
function poisonValue(kind: PoisonKind, marker: string, merchantId: string): string {
  switch (kind) {
    case 'UNPARSEABLE':
      return `{"specversion": "1.0", "id": "${marker}", not json`;
    case 'DATA_INVALID': {
      const event = aViolationEvent({ merchantId, id: marker });
      const data = event.data as Record<string, unknown>;
      data.severity = 'CATASTROPHIC';
      delete data.detectedBy;
      return JSON.stringify(event);
    }
    case 'UNKNOWN_CODE':
      return JSON.stringify(aViolationEvent({ merchantId, id: marker, code: 'SELLING_MOON_ROCKS' }));
  }
}
