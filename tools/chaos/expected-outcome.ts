import {
  assessViolation, decideLadder, depositRequirementFen, naturalYearOf, RuleBook, trackOf, VIOLATION_CODES,
  type Scenario, type Severity, type StoreType, type Track, type TrademarkStatus, type ViolationCode,
} from '@penalty/domain';
import type { InputMessage } from './outcome-recorder';

export interface ExpectedAssessment {
  violationId: string;
  merchantId: string;
  /** The message that brought the violation first: its offset decides the order, its timestamp starts the latency clock. */
  partition: number;
  offset: number;
  inputTs: number;
  track: Track;
  points: number;
  waiver: string | null;
  naturalYear: number;
  totals: { general: number; serious: number };
}

export interface ExpectedSanction {
  merchantId: string;
  naturalYear: number;
  track: Track;
  node: number;
  skipped: number[];
  /** The violation whose assessment reaches the node. */
  triggerViolationId: string;
  inputTs: number;
}

export interface ExpectedOutcome {
  assessments: Map<string, ExpectedAssessment>;
  sanctions: ExpectedSanction[];
  /** Final totals per merchant and natural year. */
  totals: Map<string, Map<number, { general: number; serious: number }>>;
  /** The deposit the last profile of each profiled merchant requires (fen). */
  requiredDepositFen: Map<string, number>;
  /** Merchants whose violations are on more than one partition (their order is then undefined). */
  splitMerchants: string[];
  /** Valid violation messages on the topic, copies included. */
  violationMessages: number;
  /** Copies beyond the first, by CloudEvent id and by violationId. */
  sameEventCopies: number;
  sameViolationCopies: number;
}

interface ViolationData {
  violationId: string;
  merchantId: string;
  code: string;
  severity: Severity;
  scenario?: Scenario;
  occurredAt: string;
}

/**
 * What the platform must produce from what is on its input topics, decided by the domain lib's pure
 * functions with the default rule data (no RULE_OVERRIDES): one merchant's violations are judged in
 * the order of their partition, the first message of a violationId counts and every later copy
 * (same CloudEvent id, or same violationId under a new id) does not; points and the natural year from
 * `assessViolation`, ladder nodes from `decideLadder` (highest node reached imposed, lower ones
 * skipped, none twice a year). `isPoison` tells the feed's poison messages apart.
 */
export function expectedOutcome(violations: InputMessage[], profiles: InputMessage[], isPoison: (value: string) => boolean): ExpectedOutcome {
  const rules = new RuleBook();
  const byMerchant = new Map<string, { message: InputMessage; event: { id: string; data: ViolationData } }[]>();
  let violationMessages = 0;
  for (const message of violations) {
    if (isPoison(message.value)) continue;
    const event = JSON.parse(message.value) as { id: string; data: ViolationData };
    violationMessages++;
    const list = byMerchant.get(event.data.merchantId) ?? [];
    list.push({ message, event });
    byMerchant.set(event.data.merchantId, list);
  }

  const assessments = new Map<string, ExpectedAssessment>();
  const sanctions: ExpectedSanction[] = [];
  const totals = new Map<string, Map<number, { general: number; serious: number }>>();
  const splitMerchants: string[] = [];
  let sameEventCopies = 0;
  let sameViolationCopies = 0;

  for (const [merchantId, messages] of byMerchant) {
    if (new Set(messages.map((m) => m.message.partition)).size > 1) splitMerchants.push(merchantId);
    messages.sort((a, b) => a.message.partition - b.message.partition || a.message.offset - b.message.offset);
    const seenEvents = new Set<string>();
    const seenScenarios = new Set<string>();
    const passedNodes = new Map<string, number[]>();
    const merchantTotals = new Map<number, { general: number; serious: number }>();
    totals.set(merchantId, merchantTotals);
    for (const { message, event } of messages) {
      const v = event.data;
      if (seenEvents.has(event.id)) {
        sameEventCopies++;
        continue;
      }
      seenEvents.add(event.id);
      if (assessments.has(v.violationId)) {
        sameViolationCopies++;
        continue;
      }
      if (!(VIOLATION_CODES as readonly string[]).includes(v.code)) throw new Error(`feed bug: unknown code ${v.code} in a valid violation`);
      const code = v.code as ViolationCode;
      const occurredAt = new Date(v.occurredAt);
      const ruleSet = rules.at(occurredAt);
      const track = trackOf(code);
      const year = naturalYearOf(occurredAt);
      const scenarioKey = `${year}/${v.scenario}`;
      const assessment = assessViolation(
        { code, severity: v.severity, scenario: v.scenario ?? null, occurredAt },
        { scenarioAlreadySeenThisYear: !!v.scenario && seenScenarios.has(scenarioKey) },
        ruleSet,
      );
      if (v.scenario) seenScenarios.add(scenarioKey);
      const yearTotals = merchantTotals.get(year) ?? { general: 0, serious: 0 };
      merchantTotals.set(year, yearTotals);
      if (track === 'SERIOUS') yearTotals.serious += assessment.points;
      else yearTotals.general += assessment.points;
      assessments.set(v.violationId, {
        violationId: v.violationId, merchantId, partition: message.partition, offset: message.offset, inputTs: message.ts,
        track, points: assessment.points, waiver: assessment.waiver, naturalYear: year, totals: { ...yearTotals },
      });
      const ladder = ruleSet.ladders[track];
      if (ladder.length === 0) continue;
      const scope = `${year}/${track}`;
      const passed = passedNodes.get(scope) ?? [];
      const decision = decideLadder({ ladder, alreadyImposedNodes: passed, newTotal: track === 'SERIOUS' ? yearTotals.serious : yearTotals.general });
      if (!decision.impose) continue;
      passedNodes.set(scope, [...passed, decision.impose.node, ...decision.skipped]);
      sanctions.push({ merchantId, naturalYear: year, track, node: decision.impose.node, skipped: decision.skipped, triggerViolationId: v.violationId, inputTs: message.ts });
    }
  }

  const requiredDepositFen = new Map<string, number>();
  for (const message of [...profiles].sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
    const data = JSON.parse(message.value).data as { merchantId: string; storeType: StoreType; trademarkStatus: TrademarkStatus; categories: string[] };
    requiredDepositFen.set(data.merchantId, depositRequirementFen(data));
  }
  return { assessments, sanctions, totals, requiredDepositFen, splitMerchants, violationMessages, sameEventCopies, sameViolationCopies };
}
