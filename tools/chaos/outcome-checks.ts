import type { ExpectedOutcome } from './expected-outcome';
import type { PlannedMessage } from './event-plan';
import type { DeadLetterMessage, InputMessage, OutcomeRecorder, PenaltyMessage } from './outcome-recorder';

export interface CheckResult {
  name: string;
  ok: boolean;
  summary: string;
  /** What is wrong, one line per violation, merchant or message (the first few are printed). */
  details: string[];
}

export interface StandingReading {
  merchantId: string;
  replica: string;
  status: number;
  naturalYear?: number;
  points?: { general: number; serious: number };
  requiredFen?: number | null;
  error?: string;
}

export interface CheckInputs {
  plan: PlannedMessage[];
  acknowledged: Map<string, number>;
  httpRefused: { violationId: string; status: number; body: string }[];
  recorder: OutcomeRecorder;
  expected: ExpectedOutcome;
  poisonByValue: Map<string, Extract<PlannedMessage, { kind: 'poison' }>>;
  merchantIds: Set<string>;
  standing: StandingReading[];
  currentYear: number;
  notReadyAtEnd: string[];
}

/** Distinct events (by CloudEvent id) among copies: at-least-once delivery may repeat an id, which counts once. */
function distinctById<T extends { id: string }>(messages: T[]): T[] {
  const seen = new Map<string, T>();
  for (const m of messages) if (!seen.has(m.id)) seen.set(m.id, m);
  return [...seen.values()];
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

const copies = (n: number) => `${n} ${n === 1 ? 'copy' : 'copies'}`;

const result = (name: string, details: string[], summary: string): CheckResult => ({ name, ok: details.length === 0, summary, details });

/** The input set against the output set. Each check says what it compared and lists every miss. */
export function checkOutcome(inputs: CheckInputs): CheckResult[] {
  const { recorder, expected, plan } = inputs;
  const results: CheckResult[] = [];
  const mine = (merchantId: string) => inputs.merchantIds.has(merchantId);

  // 1. Everything acknowledged is on the input topics.
  {
    const onTopic = new Set<string>();
    for (const m of recorder.violations) {
      const poison = inputs.poisonByValue.get(m.value);
      if (poison) onTopic.add(poison.marker);
      else onTopic.add(JSON.parse(m.value).data.violationId);
    }
    for (const m of recorder.profiles) onTopic.add(JSON.parse(m.value).id);
    const missing: string[] = [];
    for (const key of inputs.acknowledged.keys()) if (!onTopic.has(key)) missing.push(`${key} acknowledged at ${new Date(inputs.acknowledged.get(key)!).toISOString()} but not on its topic`);
    const unacknowledged = plan.filter((m) => !inputs.acknowledged.has(m.kind === 'poison' ? m.marker : m.kind === 'profile' ? m.event.id : m.event.data.violationId));
    const refused = inputs.httpRefused.map((r) => `${r.violationId}: HTTP ${r.status} for a valid event: ${r.body}`);
    results.push(result('every acknowledged message is on its topic', [...refused, ...missing, ...unacknowledged.map((m) => `never acknowledged: ${m.kind}`)],
      `${inputs.acknowledged.size} acknowledged (violations by violationId, poison, profiles), ${recorder.violations.length} messages on violations.detected.v1, ${recorder.profiles.length} on merchants.profiles.v1`));
  }

  // 2. One merchant, one partition (the contract's key): otherwise its order is undefined.
  results.push(result('each merchant\'s violations on one partition', expected.splitMerchants.map((m) => `${m}: violations on several partitions`), `${expected.totals.size} merchants`));

  // 3. Every violation assessed exactly once.
  const assessedEvents = recorder.penalties.filter((p) => p.type === 'penalty.assessed.v1' && mine(p.merchantId));
  const penaltiesByViolation = groupBy(assessedEvents, (p) => p.violationId);
  {
    const details: string[] = [];
    let missing = 0;
    let doubled = 0;
    for (const [violationId, e] of expected.assessments) {
      const copies = penaltiesByViolation.get(violationId) ?? [];
      const distinct = distinctById(copies);
      if (distinct.length === 0) {
        missing++;
        details.push(`${violationId} (merchant ${e.merchantId}, violations partition ${e.partition} offset ${e.offset}, published ${new Date(e.inputTs).toISOString()}): not assessed`);
      } else if (distinct.length > 1) {
        doubled++;
        details.push(`${violationId} (merchant ${e.merchantId}): assessed ${distinct.length} times, ids ${distinct.map((d) => d.id).join(', ')}`);
      }
    }
    for (const violationId of penaltiesByViolation.keys()) if (!expected.assessments.has(violationId)) details.push(`${violationId}: assessed but never a valid violation of the feed`);
    results.push(result('every distinct violation assessed exactly once', details,
      `${expected.assessments.size} distinct violations, ${distinctById(assessedEvents).length} penalty.assessed.v1 (${copies(assessedEvents.length - distinctById(assessedEvents).length)} of an id redelivered); ${missing} unassessed, ${doubled} assessed twice`));
  }

  // 4. Each assessment as the rulebook says, with the running totals in partition order.
  {
    const details: string[] = [];
    for (const [violationId, e] of expected.assessments) {
      const [got] = distinctById(penaltiesByViolation.get(violationId) ?? []);
      if (!got) continue;
      const want = { track: e.track, points: e.points, waiver: e.waiver, naturalYear: e.naturalYear, totals: e.totals };
      const have = { track: got.track, points: got.points, waiver: got.waiver, naturalYear: got.naturalYear, totals: got.totals };
      if (JSON.stringify(want) !== JSON.stringify(have)) details.push(`${violationId} (merchant ${e.merchantId}): expected ${JSON.stringify(want)}, got ${JSON.stringify(have)}`);
    }
    results.push(result('points, waiver and running totals of each assessment as the rulebook says', details, `${expected.assessments.size} assessments compared with assessViolation over the partition order`));
  }

  // 5. Final totals per merchant: the last assessment of each merchant and year, and the api's standing.
  {
    const details: string[] = [];
    const lastByScope = new Map<string, PenaltyMessage>();
    for (const p of recorder.penalties) {
      if (!mine(p.merchantId)) continue;
      const k = `${p.merchantId}/${p.naturalYear}`;
      const last = lastByScope.get(k);
      if (!last || p.partition !== last.partition || p.offset > last.offset) lastByScope.set(k, p);
    }
    let compared = 0;
    for (const [merchantId, years] of expected.totals) {
      for (const [year, want] of years) {
        compared++;
        const got = lastByScope.get(`${merchantId}/${year}`);
        if (!got || got.totals.general !== want.general || got.totals.serious !== want.serious) {
          details.push(`${merchantId} ${year}: expected general ${want.general} serious ${want.serious}, last penalty event says ${got ? `general ${got.totals.general} serious ${got.totals.serious}` : 'nothing'}`);
        }
      }
    }
    for (const s of inputs.standing) {
      if (s.status !== 200 || !s.points) {
        if (expected.totals.has(s.merchantId)) details.push(`${s.merchantId}: standing on ${s.replica} answered ${s.status} ${s.error ?? ''}`);
        continue;
      }
      const want = expected.totals.get(s.merchantId)?.get(s.naturalYear ?? inputs.currentYear) ?? { general: 0, serious: 0 };
      if (s.points.general !== want.general || s.points.serious !== want.serious) {
        details.push(`${s.merchantId}: standing on ${s.replica} says general ${s.points.general} serious ${s.points.serious}, expected ${want.general} / ${want.serious}`);
      }
    }
    results.push(result('final totals exact per merchant (last penalty event, and GET /standing on every api replica)', details,
      `${compared} merchant-years from the topic, ${inputs.standing.length} standing reads`));
  }

  // 6. One sanction per ladder node reached.
  const imposed = distinctById(recorder.sanctions.filter((s) => s.type === 'sanction.imposed.v1' && mine(s.merchantId)));
  {
    const details: string[] = [];
    const byNode = groupBy(imposed, (s) => (s.cause?.kind === 'LADDER_NODE' ? `${s.merchantId}/${s.cause.naturalYear}/${s.cause.track ?? 'SERIOUS'}/${s.cause.node}` : `other/${s.id}`));
    const expectedKeys = new Set<string>();
    for (const e of expected.sanctions) {
      const k = `${e.merchantId}/${e.naturalYear}/${e.track}/${e.node}`;
      expectedKeys.add(k);
      const got = byNode.get(k) ?? [];
      if (got.length === 0) details.push(`${e.merchantId}: node ${e.node} (${e.track} ${e.naturalYear}) reached by ${e.triggerViolationId} but no sanction.imposed.v1`);
      if (got.length > 1) details.push(`${e.merchantId}: node ${e.node} imposed ${got.length} times (${got.map((s) => s.id).join(', ')})`);
    }
    for (const [k, got] of byNode) {
      if (!expectedKeys.has(k)) details.push(`${got[0].merchantId}: unexpected sanction ${got.map((s) => s.id).join(', ')} (${JSON.stringify(got[0].cause)})`);
    }
    const lifted = recorder.sanctions.filter((s) => s.type !== 'sanction.imposed.v1' && mine(s.merchantId));
    for (const s of distinctById(lifted)) details.push(`${s.merchantId}: unexpected ${s.type} ${s.id}`);
    const skipped = expected.sanctions.reduce((n, s) => n + s.skipped.length, 0);
    results.push(result('exactly one sanction.imposed.v1 per ladder node reached', details,
      `${expected.sanctions.length} nodes imposed by decideLadder (${skipped} skipped), ${imposed.length} sanction.imposed.v1 (${copies(recorder.sanctions.filter((s) => s.type === 'sanction.imposed.v1').length - imposed.length)} of an id redelivered)`));
  }

  // 7 and 8. Every sanction, and every penalty, told: exactly one in-app notification each.
  const notificationsByCause = groupBy(recorder.notifications.filter((n) => mine(n.merchantId)), (n) => n.causeEventId);
  const told = (name: string, causes: { id: string; merchantId: string }[], what: string) => {
    const details: string[] = [];
    for (const cause of causes) {
      const all = notificationsByCause.get(cause.id) ?? [];
      const inbox = distinctById(all.filter((n) => n.channel === 'INBOX'));
      if (all.length === 0) details.push(`${what} ${cause.id} (merchant ${cause.merchantId}): no notification.sent.v1`);
      else if (inbox.length !== 1) details.push(`${what} ${cause.id} (merchant ${cause.merchantId}): ${inbox.length} INBOX notifications (${inbox.map((n) => n.notificationId).join(', ')})`);
    }
    results.push(result(name, details, `${causes.length} ${what === 'penalty' ? 'penalties' : 'sanctions'}, ${causes.filter((c) => notificationsByCause.has(c.id)).length} told`));
  };
  told('every sanction told (notification.sent.v1 with causeEventId = the sanction\'s id, once in the inbox)', imposed, 'sanction');
  told('every penalty told (once in the inbox)', distinctById(assessedEvents), 'penalty');

  // 9. Every poison message dead-lettered exactly once.
  const deadLettersByValue = groupBy(recorder.deadLetters, (d) => d.value);
  {
    const details: string[] = [];
    const reasons = new Map<string, number>();
    const sourceCopies = groupBy(recorder.violations.filter((m) => inputs.poisonByValue.has(m.value)), (m) => m.value);
    for (const [value, poison] of inputs.poisonByValue) {
      const sources = sourceCopies.get(value) ?? [];
      const dead = (deadLettersByValue.get(value) ?? []).filter((d) => d.topic === 'violations.detected.v1.dlq');
      for (const d of dead) reasons.set(d.headers['x-dlq-reason'] ?? '?', (reasons.get(d.headers['x-dlq-reason'] ?? '?') ?? 0) + 1);
      if (dead.length !== sources.length) {
        // x-dlq-at says when the platform decided: one decision published twice, or a message decided twice.
        const decisions = new Set(dead.map((d) => d.headers['x-dlq-at'] ?? `?${d.offset}`)).size;
        const why = dead.length > sources.length ? (decisions < dead.length ? ', the same decision (x-dlq-at) published again' : ', decided again each time') : '';
        details.push(`${poison.marker} (${poison.poison}, on violations.detected.v1 ${sources.map(at).join(' ') || 'nowhere'}): dead-lettered ${dead.length} time(s)${why}: ${dead.map(describeDeadLetter).join('; ') || '-'}`);
      }
    }
    results.push(result('every poison message on violations.detected.v1.dlq exactly once', details,
      `${inputs.poisonByValue.size} poison messages; reasons ${[...reasons].map(([r, n]) => `${r} ${n}`).join(', ') || 'none'}`));
  }

  // 10. Nothing else dead-lettered: a valid event on a dead-letter topic is an output lost.
  {
    const others = recorder.deadLetters.filter((d) => !inputs.poisonByValue.has(d.value));
    results.push(result('no other message dead-lettered', others.map(describeDeadLetter),
      `${recorder.deadLetters.length} dead letters on ${new Set(recorder.deadLetters.map((d) => d.topic)).size} dead-letter topic(s)`));
  }

  // 11. Outputs readable as the contract says.
  results.push(result('every output a CloudEvent', recorder.malformedOutputs.map((m) => `${m.topic} ${m.partition}@${m.offset}: ${m.value}`), 'penalties, sanctions, notifications'));

  // 12. Profiles applied (the api's standing shows the deposit the last profile requires).
  {
    const details: string[] = [];
    let compared = 0;
    for (const s of inputs.standing) {
      const want = expected.requiredDepositFen.get(s.merchantId);
      if (want === undefined || s.status !== 200) continue;
      compared++;
      if (s.requiredFen !== want) details.push(`${s.merchantId}: standing on ${s.replica} requires ${s.requiredFen} fen, the last profile ${want} fen (depositRequirementFen)`);
    }
    results.push(result('merchant profiles applied (required deposit in standing)', details, `${expected.requiredDepositFen.size} profiled merchants, ${compared} standing reads compared`));
  }

  // 13. Nothing wedged: every replica ready once the run is over.
  results.push(result('every replica ready at the end', inputs.notReadyAtEnd.map((r) => `${r}: /health/ready not 200`), 'GET /health/ready on every replica'));
  return results;
}

const at = (m: InputMessage) => `${m.partition}@${m.offset} published ${new Date(m.ts).toISOString()}`;

function describeDeadLetter(d: DeadLetterMessage): string {
  const h = d.headers;
  return `${d.topic} ${d.partition}@${d.offset} written ${new Date(d.ts).toISOString()} (x-dlq-at ${h['x-dlq-at'] ?? '?'}) reason ${h['x-dlq-reason'] ?? '?'} from ${h['x-dlq-source-topic'] ?? '?'} ${h['x-dlq-source-partition'] ?? '?'}@${h['x-dlq-source-offset'] ?? '?'}: ${(h['x-dlq-message'] ?? '').slice(0, 100)}`;
}
