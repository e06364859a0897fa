import { assessViolation } from '../assess-violation';
import { trackOf } from '../catalogue';
import { depositRequirementFen, type DepositProfile } from '../deposit-requirement';
import { DomainError } from '../domain-error';
import { openForgeryCase, remediatedFineFen, unremediedOutcome } from '../forgery-case';
import { endOfNaturalYear, naturalYearOf, startOfNaturalYear } from '../natural-year';
import type { LadderStep, RuleSet } from '../rule-set';
import { decideLadder, planLadderSanction } from '../serious-ladder';
import { EXAM_ELIGIBLE_SCENARIOS, SEVERITIES, TRACKS, VIOLATION_CODES, type MeasureType, type Scenario, type Severity, type Track, type ViolationCode } from '../vocabulary';
import { depositRequirementFenUnder } from './deposit-table';
import { ruleSetOfData, type DepositRuleData, type RuleData } from './rule-data';
import { validateRuleData } from './rule-data-validation';
import { RulebookError } from './rulebook-error';

/**
 * A violation as the platform stores it, with what later happened to it that holds under any rules:
 * `waivedBy` APPEAL (an accepted appeal revoked the decision: its points, or its forgery case, count
 * for nothing), EXAM (the merchant passed an exam: its points are waived where the rules let an exam
 * waive its scenario); for a forgery, `remediation`: what happened in its remediation window, when one
 * opened (ACCEPTED: a reviewer accepted documents; NOT_ACCEPTED: the window closed without). A forgery
 * judged by clear-out had no window, so nobody knows what the merchant would have done: the simulation
 * then takes the window as closing without accepted documents (the higher fine of the two), and says so.
 */
export interface StoredViolation {
  violationId: string;
  merchantId: string;
  marketplace: string;
  code: ViolationCode;
  severity: Severity;
  scenario: Scenario | null;
  occurredAt: Date;
  waivedBy?: 'APPEAL' | 'EXAM' | null;
  remediation?: 'ACCEPTED' | 'NOT_ACCEPTED' | null;
}

/**
 * The rule set a stored violation is judged by: the version in force on its marketplace at its
 * occurredAt (RulebookCatalogue.ruleSetAt fits). Versions take effect at Asia/Shanghai midnight
 * (section 9), so the replay asks once per marketplace and Shanghai calendar day.
 */
export type RuleSetResolver = (marketplace: string, occurredAt: Date) => RuleSet;

export type ForgeryOutcomeKind = 'CLEARED_OUT' | 'REMEDIED' | 'UNREMEDIED';

/** A sanction the replay imposes: a ladder node, or the outcome of a forgery case. */
export interface SimulatedSanction {
  violationId: string;
  occurredAt: Date;
  naturalYear: number;
  ruleVersion: string;
  kind: 'LADDER_NODE' | 'FORGERY';
  /** LADDER_NODE: the track and node imposed, and the nodes it skipped. */
  track: Track | null;
  node: number | null;
  skipped: number[];
  /** LADDER_NODE: the track's total for the year that reached it. */
  total: number | null;
  /** FORGERY: the merchant's case number and the outcome; remediationAssumed: no remediation was recorded, so the window was taken as closing without. */
  caseNumber: number | null;
  outcome: ForgeryOutcomeKind | null;
  remediationAssumed: boolean;
  /** What the sanction does: measures with their length in days (null: one-off or permanent), its fine, forfeiture. */
  measures: { type: MeasureType; days: number | null }[];
  fineFen: number;
  forfeitsDeposit: boolean;
}

/** A merchant under one rulebook, over the period: points per track and natural year, nodes passed, sanctions, fines, forgery outcomes. */
export interface MerchantJudgement {
  marketplace: string;
  merchantId: string;
  years: { naturalYear: number; points: Record<Track, number>; nodes: { track: Track; node: number; status: 'IMPOSED' | 'SKIPPED' }[] }[];
  sanctions: SimulatedSanction[];
  finesFen: number;
  depositForfeitures: number;
  /** Section 7: the deposit the merchant must hold under these rules (at the period's end), when its profile was given; null otherwise. */
  depositRequirementFen: number | null;
  forgery: { violationId: string; caseNumber: number; outcome: ForgeryOutcomeKind; fineFen: number; remediationAssumed: boolean }[];
}

interface YearState {
  year: number;
  general: number;
  serious: number;
  passedGeneral: number[];
  passedSerious: number[];
  /** Bit i: EXAM_ELIGIBLE_SCENARIOS[i] already assessed this year (the self-check chance is taken). */
  scenariosSeen: number;
  /** Exam waivers applied this year: no more than the rules' examChancesPerYear (section 6). */
  examsUsed: number;
}

interface MerchantState {
  marketplace: string;
  merchantId: string;
  years: YearState[];
  /** The year of its last violation (most are in the same year as the one before). */
  current: YearState | null;
  /** Forgery cases counted (not revoked), the period's and those before it. */
  forgeryCases: number;
  sanctions: SimulatedSanction[] | null;
  touched: boolean;
}

const SCENARIO_BIT = Object.fromEntries(EXAM_ELIGIBLE_SCENARIOS.map((s, i) => [s, 1 << i])) as Record<Scenario, number>;
/** Points sentinel of a violation not replayed: refused by the rules (e.g. a scenario under the wrong code). */
const REJECTED = -1;

interface Run {
  /** Per merchant slot (Prepared.merchants), its state; undefined for a merchant without violations replayed. */
  states: (MerchantState | undefined)[];
  /** Per position in the time order: the points the violation counts for, or REJECTED. */
  points: Int32Array;
  /** Per position: 1 + index into `sanctions` of the sanction it caused, 0 for none. */
  sanctionAt: Int32Array;
  sanctions: SimulatedSanction[];
  rejected: number;
  /** The distinct rule sets that judged (their ladders' nodes are reported). */
  ruleSets: Set<RuleSet>;
}

interface Window {
  fromMs: number;
  toMs: number;
  firstYear: number;
}

/**
 * What both replays of a simulation share, computed once: the violations in time order, and for each
 * position its natural year, its merchant's slot and its rule-data cell. Typed arrays, so the replays
 * allocate next to nothing per violation.
 */
interface Prepared {
  violations: readonly StoredViolation[];
  /** Input indexes in time order (stable), only those before the window's end. */
  order: Uint32Array;
  years: Int32Array;
  slots: Int32Array;
  /** (code, scenario, severity) as one index into a Cells table; -1: a code or value outside the vocabulary. */
  cells: Int32Array;
  /** The scenario's bit (SCENARIO_BIT) and the FLAG_ bits. */
  flags: Uint16Array;
  /** The Asia/Shanghai calendar day (days since 1970-01-01 there) and the marketplace (index into `marketplaces`): the rule set is asked again only when either changes. */
  days: Int32Array;
  marketplaceOf: Int32Array;
  marketplaces: string[];
  /** The first position in the period (earlier ones are history). */
  periodStart: number;
  merchants: { marketplace: string; merchantId: string }[];
}

const FLAG_APPEAL = 1 << 5;
const FLAG_EXAM = 1 << 6;
const FLAG_FORGERY = 1 << 7;
const SCENARIO_BITS = (1 << 5) - 1;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

const CODE_INDEX = new Map<string, number>(VIOLATION_CODES.map((c, i) => [c, i]));
const SEVERITY_INDEX = new Map<string, number>(SEVERITIES.map((s, i) => [s, i]));
const SCENARIO_INDEX = new Map<string, number>(EXAM_ELIGIBLE_SCENARIOS.map((s, i) => [s, i + 1]));
const CELLS_PER_CODE = (EXAM_ELIGIBLE_SCENARIOS.length + 1) * SEVERITIES.length;
const CELL_COUNT = VIOLATION_CODES.length * CELLS_PER_CODE;
const TRACK_BY_CODE: readonly Track[] = VIOLATION_CODES.map(trackOf);
const UNKNOWN_CELL = -2;

function prepare(violations: readonly StoredViolation[], window: Window, keep: (v: StoredViolation) => boolean): Prepared {
  let count = 0;
  let sorted = true;
  let previous = -Infinity;
  const picked = new Uint32Array(violations.length);
  for (let i = 0; i < violations.length; i++) {
    const v = violations[i];
    const ms = v.occurredAt.getTime();
    if (ms >= window.toMs || !keep(v)) continue;
    if (ms < previous) sorted = false;
    previous = ms;
    picked[count++] = i;
  }
  const order = picked.subarray(0, count);
  if (!sorted) order.sort((a, b) => violations[a].occurredAt.getTime() - violations[b].occurredAt.getTime() || a - b);
  const years = new Int32Array(count);
  const slots = new Int32Array(count);
  const cells = new Int32Array(count);
  const flags = new Uint16Array(count);
  const days = new Int32Array(count);
  const marketplaceOf = new Int32Array(count);
  const marketplaces: string[] = [];
  let periodStart = count;
  const merchants: Prepared['merchants'] = [];
  const slotOf = new Map<string, Map<string, number>>();
  let lastMarketplace: string | undefined;
  let lastMarketplaceIndex = -1;
  let marketplaceSlots: Map<string, number> | undefined;
  // The natural year of the last instant and the bounds of that year: time order makes it right almost always.
  let yearFrom = Infinity;
  let yearTo = -Infinity;
  let year = 0;
  for (let k = 0; k < count; k++) {
    const v = violations[order[k]];
    const ms = v.occurredAt.getTime();
    if (ms < yearFrom || ms >= yearTo) {
      year = naturalYearOf(v.occurredAt);
      yearFrom = startOfNaturalYear(year).getTime();
      yearTo = endOfNaturalYear(year).getTime();
    }
    years[k] = year;
    days[k] = Math.floor((ms + SHANGHAI_OFFSET_MS) / 86_400_000);
    if (periodStart === count && ms >= window.fromMs) periodStart = k;
    if (v.marketplace !== lastMarketplace) {
      marketplaceSlots = slotOf.get(v.marketplace);
      if (!marketplaceSlots) {
        slotOf.set(v.marketplace, (marketplaceSlots = new Map()));
        marketplaces.push(v.marketplace);
      }
      lastMarketplace = v.marketplace;
      lastMarketplaceIndex = marketplaces.indexOf(v.marketplace);
    }
    marketplaceOf[k] = lastMarketplaceIndex;
    flags[k] =
      (v.scenario === null ? 0 : (SCENARIO_BIT[v.scenario] ?? 0)) |
      (v.waivedBy === 'APPEAL' ? FLAG_APPEAL : v.waivedBy === 'EXAM' ? FLAG_EXAM : 0) |
      (v.code === 'QUALIFICATION_FORGERY' ? FLAG_FORGERY : 0);
    let slot = marketplaceSlots!.get(v.merchantId);
    if (slot === undefined) {
      slot = merchants.length;
      merchants.push({ marketplace: v.marketplace, merchantId: v.merchantId });
      marketplaceSlots!.set(v.merchantId, slot);
    }
    slots[k] = slot;
    const code = CODE_INDEX.get(v.code);
    const severity = SEVERITY_INDEX.get(v.severity);
    const scenario = v.scenario === null ? 0 : SCENARIO_INDEX.get(v.scenario);
    cells[k] = code === undefined || severity === undefined || scenario === undefined ? -1 : (code * (EXAM_ELIGIBLE_SCENARIOS.length + 1) + scenario) * SEVERITIES.length + severity;
  }
  return { violations, order, years, slots, cells, flags, days, marketplaceOf, marketplaces, periodStart, merchants };
}

/**
 * A rule set's points per rule-data cell, with and without the self-check chance, asked of
 * assessViolation once per cell (its answer depends on the year only through naturalYear, which the
 * replay knows): index 2 * cell + (scenario already seen this year ? 1 : 0); REJECTED where the rules
 * refuse the violation.
 */
type PointsTable = Int32Array;

function pointsOf(table: PointsTable, violations: readonly StoredViolation[], i: number, cell: number, seen: boolean, ruleSet: RuleSet): number {
  const at = 2 * cell + (seen ? 1 : 0);
  let points = table[at];
  if (points === UNKNOWN_CELL) {
    try {
      points = assessViolation(violations[i], { scenarioAlreadySeenThisYear: seen }, ruleSet).points;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      points = REJECTED;
    }
    table[at] = points;
  }
  return points;
}

interface Plan {
  measures: SimulatedSanction['measures'];
  fineFen: number;
  forfeitsDeposit: boolean;
}

/**
 * What a node imposes, from planLadderSanction, as lengths in days rather than dates: the same for
 * every merchant reaching that node, so it is planned once per step and its measures list is shared
 * by every sanction of that step (the report is read-only).
 */
function planOf(step: LadderStep, decidedAt: Date, ruleSet: RuleSet): Plan {
  const plan = planLadderSanction(step, decidedAt, ruleSet);
  return {
    measures: plan.measures.map((m) => ({ type: m.type, days: m.endsAt === null ? null : Math.round((m.endsAt.getTime() - m.startsAt.getTime()) / 86_400_000) })),
    fineFen: plan.fineFen ?? 0,
    forfeitsDeposit: plan.forfeitsDeposit,
  };
}

/**
 * One replay of the prepared violations under the rule sets `ruleSetAt` answers. Sections 1-4 as the services apply them,
 * with the domain's functions: assessViolation (points, self-check chance), decideLadder and
 * planLadderSanction (the highest node reached, skipped nodes, measures and fine) and openForgeryCase
 * with remediatedFineFen / unremediedOutcome. Later waivers are applied to the final state (an appealed
 * decision counts for nothing from the start), so a node imposed and then revoked in history is not
 * reached here either. Decisions are timed at the violation's occurredAt.
 */
function replay(prepared: Prepared, ruleSetAt: RuleSetResolver): Run {
  const { violations, order, years, slots, cells, flags, days, marketplaceOf, periodStart } = prepared;
  const n = order.length;
  const points = new Int32Array(n);
  const sanctionAt = new Int32Array(n);
  const sanctions: SimulatedSanction[] = [];
  const states: (MerchantState | undefined)[] = new Array(prepared.merchants.length);
  let rejected = 0;
  const ruleSets = new Set<RuleSet>();
  const tables = new Map<RuleSet, PointsTable>();
  const plans = new Map<LadderStep, Plan>();
  let ruleSet: RuleSet | undefined;
  let table: PointsTable = new Int32Array(0);
  let examBits = 0;
  let lastDay = NaN;
  let lastMarketplace = -1;
  for (let k = 0; k < n; k++) {
    const slot = slots[k];
    let state = states[slot];
    if (state === undefined) {
      // Written out rather than spread, so that every state has one hidden class and the stores below stay fast.
      const merchant = prepared.merchants[slot];
      states[slot] = state = { marketplace: merchant.marketplace, merchantId: merchant.merchantId, years: [], current: null, forgeryCases: 0, sanctions: null, touched: false };
    }
    const inPeriod = k >= periodStart;
    if (inPeriod) state.touched = true;
    // Versions take effect at Asia/Shanghai midnight (section 9), so one answer holds for a marketplace's whole day.
    if (days[k] !== lastDay || marketplaceOf[k] !== lastMarketplace) {
      lastDay = days[k];
      lastMarketplace = marketplaceOf[k];
      const next = ruleSetAt(prepared.marketplaces[lastMarketplace], violations[order[k]].occurredAt);
      if (next !== ruleSet) {
        ruleSet = next;
        ruleSets.add(ruleSet);
        let known = tables.get(ruleSet);
        if (!known) tables.set(ruleSet, (known = new Int32Array(2 * CELL_COUNT).fill(UNKNOWN_CELL)));
        table = known;
        examBits = 0;
        for (const scenario of ruleSet.examScenarios) examBits |= SCENARIO_BIT[scenario] ?? 0;
      }
    }
    const rules = ruleSet!;
    const year = years[k];
    let ys = state.current;
    if (ys === null || ys.year !== year) {
      ys = state.years.find((y) => y.year === year) ?? null;
      if (ys === null) state.years.push((ys = { year, general: 0, serious: 0, passedGeneral: [], passedSerious: [], scenariosSeen: 0, examsUsed: 0 }));
      state.current = ys;
    }
    const flag = flags[k];
    const bit = flag & SCENARIO_BITS;
    const cell = cells[k];
    const assessed = cell < 0 ? REJECTED : pointsOf(table, violations, order[k], cell, (ys.scenariosSeen & bit) !== 0, rules);
    if (assessed === REJECTED) {
      points[k] = REJECTED;
      rejected++;
      continue;
    }
    ys.scenariosSeen |= bit;
    let counted = assessed;
    if ((flag & FLAG_APPEAL) !== 0) counted = 0;
    else if ((flag & FLAG_EXAM) !== 0 && counted > 0 && (bit & examBits) !== 0 && ys.examsUsed < rules.examChancesPerYear) {
      // The exam passed in history waives the points where these rules offer an exam for the scenario, within the year's chances.
      ys.examsUsed++;
      counted = 0;
    }
    points[k] = counted;

    let sanction: SimulatedSanction | null = null;
    if ((flag & FLAG_FORGERY) !== 0 && (flag & FLAG_APPEAL) === 0) {
      const v = violations[order[k]];
      const caseNumber = ++state.forgeryCases;
      const opening = openForgeryCase({ severity: v.severity, caseNumber, openedAt: v.occurredAt, ruleSet: rules });
      let outcome: ForgeryOutcomeKind;
      let measures: MeasureType[];
      let fineFen = 0;
      if (opening.outcome === 'CLEAR_OUT') {
        outcome = 'CLEARED_OUT';
        measures = opening.measures;
      } else if (v.remediation === 'ACCEPTED') {
        outcome = 'REMEDIED';
        measures = [];
        fineFen = remediatedFineFen(caseNumber, rules);
      } else {
        outcome = 'UNREMEDIED';
        const unremedied = unremediedOutcome(rules);
        measures = unremedied.measures;
        fineFen = unremedied.fineFen;
      }
      sanction = {
        violationId: v.violationId, occurredAt: v.occurredAt, naturalYear: year, ruleVersion: rules.version, kind: 'FORGERY', track: null, node: null, skipped: [], total: null,
        caseNumber, outcome, remediationAssumed: outcome === 'UNREMEDIED' && v.remediation == null,
        measures: measures.map((type) => ({ type, days: null })), fineFen, forfeitsDeposit: outcome === 'CLEARED_OUT',
      };
    }

    if (counted > 0) {
      const track = TRACK_BY_CODE[(cell / CELLS_PER_CODE) | 0];
      const serious = track === 'SERIOUS';
      const total = serious ? (ys.serious += counted) : (ys.general += counted);
      const ladder = rules.ladders[track];
      const passed = serious ? ys.passedSerious : ys.passedGeneral;
      // Most violations reach no new node: look before calling decideLadder, which sorts and allocates.
      let fresh = false;
      for (let s = 0; s < ladder.length; s++) if (ladder[s].node <= total && !passed.includes(ladder[s].node)) fresh = true;
      if (fresh) {
        const v = violations[order[k]];
        const decision = decideLadder({ ladder, alreadyImposedNodes: passed, newTotal: total });
        const step = decision.impose!;
        passed.push(step.node, ...decision.skipped);
        let plan = plans.get(step);
        if (!plan) plans.set(step, (plan = planOf(step, v.occurredAt, rules)));
        const ladderSanction: SimulatedSanction = {
          violationId: v.violationId, occurredAt: v.occurredAt, naturalYear: year, ruleVersion: rules.version, kind: 'LADDER_NODE', track, node: step.node,
          skipped: decision.skipped, total, caseNumber: null, outcome: null, remediationAssumed: false,
          measures: plan.measures, fineFen: plan.fineFen, forfeitsDeposit: plan.forfeitsDeposit,
        };
        // A violation is either a forgery (no points under valid rule data) or scored: one sanction each.
        sanction ??= ladderSanction;
      }
    }
    if (sanction !== null) {
      sanctions.push(sanction);
      sanctionAt[k] = sanctions.length;
      if (inPeriod) (state.sanctions ??= []).push(sanction);
    }
  }
  return { states, points, sanctionAt, sanctions, rejected, ruleSets };
}

function judgementOf(state: MerchantState, firstYear: number, depositRequirementFen: number | null = null): MerchantJudgement {
  const sanctions = state.sanctions ?? [];
  const years = state.years
    .filter((y) => y.year >= firstYear)
    .map((y) => ({
      naturalYear: y.year,
      points: { GENERAL: y.general, SERIOUS: y.serious },
      nodes: sanctions
        .filter((s) => s.kind === 'LADDER_NODE' && s.naturalYear === y.year)
        .flatMap((s) => [{ track: s.track!, node: s.node!, status: 'IMPOSED' as const }, ...s.skipped.map((node) => ({ track: s.track!, node, status: 'SKIPPED' as const }))])
        .sort((a, b) => (a.track < b.track ? -1 : a.track > b.track ? 1 : a.node - b.node)),
    }));
  return {
    marketplace: state.marketplace,
    merchantId: state.merchantId,
    years,
    sanctions,
    finesFen: sanctions.reduce((sum, s) => sum + s.fineFen, 0),
    depositForfeitures: sanctions.filter((s) => s.forfeitsDeposit).length,
    depositRequirementFen,
    forgery: sanctions
      .filter((s) => s.kind === 'FORGERY')
      .map((s) => ({ violationId: s.violationId, caseNumber: s.caseNumber!, outcome: s.outcome!, fineFen: s.fineFen, remediationAssumed: s.remediationAssumed })),
  };
}

export interface SimulationPeriod {
  /** Violations from here on are reported; earlier ones given count as history (their year's totals, forgery case numbers). */
  from: Date;
  /** Exclusive end: later violations are left out. */
  to: Date;
}

/**
 * Replays stored violations under the rules `ruleSetAt` gives, every marketplace separately (one
 * merchant id on two marketplaces is two histories), and answers each merchant touched in the period
 * keyed `${marketplace}/${merchantId}`. Pure: no clock, no I/O.
 */
export function replayHistory(input: { violations: readonly StoredViolation[]; ruleSetAt: RuleSetResolver; period: SimulationPeriod }): Map<string, MerchantJudgement> {
  const window = windowOf(input.period);
  const run = replay(prepare(input.violations, window, () => true), input.ruleSetAt);
  const judgements = new Map<string, MerchantJudgement>();
  for (const state of run.states) if (state?.touched) judgements.set(`${state.marketplace}/${state.merchantId}`, judgementOf(state, window.firstYear));
  return judgements;
}

function windowOf(period: SimulationPeriod): Window {
  return { fromMs: period.from.getTime(), toMs: period.to.getTime(), firstYear: naturalYearOf(period.from) };
}

/** What a simulation replays through: the draft's marketplace, name and rule data (a RulebookVersion fits). */
export interface SimulationDraft {
  marketplace: string;
  versionId: string;
  ruleData: RuleData;
}

export type ChangedDecisionKind = 'POINTS' | 'LADDER_NODE' | 'FORGERY';

export interface DecisionSummary {
  ruleVersion: string;
  /** null: the rules refuse the violation. */
  points: number | null;
  sanction: SimulatedSanction | null;
}

export interface ChangedDecision {
  violationId: string;
  merchantId: string;
  occurredAt: Date;
  kinds: ChangedDecisionKind[];
  before: DecisionSummary;
  after: DecisionSummary;
  /** Why, from the rule cells that applied on each side. */
  reason: string;
}

export interface MerchantDifference {
  marketplace: string;
  merchantId: string;
  before: MerchantJudgement;
  after: MerchantJudgement;
}

export interface NodeChange {
  track: Track;
  node: number;
  /** Merchant-years (a merchant in a natural year) passing the node: before, after, and those that pass it only after or only before. */
  reachedBefore: number;
  reachedAfter: number;
  newlyReaching: number;
  noLongerReaching: number;
}

export interface SimulationReport {
  marketplace: string;
  draftVersion: string;
  period: SimulationPeriod;
  /** Violations of the marketplace in the period, replayed under both; `history` of them before it, replayed as context. */
  violations: number;
  history: number;
  /** Violations the rules refused (before, after). */
  rejected: { before: number; after: number };
  merchants: number;
  merchantsChanged: number;
  decisionsChanged: number;
  nodes: NodeChange[];
  finesFen: { before: number; after: number };
  depositForfeitures: { before: number; after: number };
  /** Section 7, for the merchants whose profile was given: the requirement under the version in force at the period's end and under the draft. */
  deposit: { merchantsWithProfile: number; raised: number; lowered: number; requiredFen: { before: number; after: number } };
  forgery: {
    cases: number;
    clearedOutBefore: number;
    clearedOutAfter: number;
    /** Cases cleared out before that the draft fines instead (remedied or not), and the reverse. */
    finedInsteadOfClearedOut: number;
    clearedOutInsteadOfFined: number;
    /** Cases the draft judges with a remediation window but no remediation is recorded: taken as unremedied. */
    remediationAssumed: number;
  };
  /** Per merchant whose judgement changes: before and after. */
  differences: MerchantDifference[];
  /** The first changed decisions in time order, at most `sampleSize`, each with its reason. */
  sample: ChangedDecision[];
}

const sameSanction = (a: SimulatedSanction | null, b: SimulatedSanction | null): boolean => {
  if (a === null || b === null) return a === b;
  if (a.kind !== b.kind || a.node !== b.node || a.outcome !== b.outcome || a.fineFen !== b.fineFen || a.forfeitsDeposit !== b.forfeitsDeposit || a.caseNumber !== b.caseNumber) return false;
  if (a.skipped.length !== b.skipped.length || a.skipped.some((n, i) => n !== b.skipped[i])) return false;
  return a.measures.length === b.measures.length && a.measures.every((m, i) => m.type === b.measures[i].type && m.days === b.measures[i].days);
};

/**
 * Rulebook section 9.2 (issue 12 item 4): what a draft would have changed. The violations of the
 * draft's marketplace before `period.to` are replayed twice: under the version(s) in force when each
 * occurred (`inForce`) and under the draft for every one of them (as if it had been in force all the
 * period). Read-only and pure. Answers totals, the merchants whose judgement changes (before and
 * after) and a bounded sample of changed decisions with reasons.
 */
export function simulate(input: {
  violations: readonly StoredViolation[];
  draft: SimulationDraft;
  inForce: RuleSetResolver;
  period: SimulationPeriod;
  sampleSize?: number;
  /** The merchants' profiles (store type, trademark status, categories) by merchant id, to compare deposit requirements (section 7). */
  profiles?: ReadonlyMap<string, DepositProfile>;
}): SimulationReport {
  const { violations, draft } = input;
  const problems = validateRuleData(draft.ruleData);
  if (problems.length > 0) {
    throw new RulebookError('RULEBOOK.INVALID_RULE_DATA', `The draft's rule data has ${problems.length} problem(s): ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}.`, problems);
  }
  if (!(input.period.from.getTime() < input.period.to.getTime())) throw new RulebookError('RULEBOOK.INVALID_VERSION', 'A simulation period must end after it starts.');
  const window = windowOf(input.period);
  const sampleSize = input.sampleSize ?? 50;
  const prepared = prepare(violations, window, (v) => v.marketplace === draft.marketplace);
  const { order } = prepared;
  const draftRuleSet = ruleSetOfData(draft.ruleData, draft.versionId, '1970-01-01');
  const before = replay(prepared, input.inForce);
  const after = replay(prepared, () => draftRuleSet);

  const sample: ChangedDecision[] = [];
  const changedMerchants = new Set<number>();
  let decisionsChanged = 0;
  let history = 0;
  const forgery = { cases: 0, clearedOutBefore: 0, clearedOutAfter: 0, finedInsteadOfClearedOut: 0, clearedOutInsteadOfFined: 0, remediationAssumed: 0 };
  const fines = { before: 0, after: 0 };
  const forfeitures = { before: 0, after: 0 };
  for (let k = 0; k < order.length; k++) {
    const v = violations[order[k]];
    if (v.occurredAt.getTime() < window.fromMs) {
      history++;
      continue;
    }
    const sb = before.sanctionAt[k] === 0 ? null : before.sanctions[before.sanctionAt[k] - 1];
    const sa = after.sanctionAt[k] === 0 ? null : after.sanctions[after.sanctionAt[k] - 1];
    if (sb) {
      fines.before += sb.fineFen;
      if (sb.forfeitsDeposit) forfeitures.before++;
    }
    if (sa) {
      fines.after += sa.fineFen;
      if (sa.forfeitsDeposit) forfeitures.after++;
    }
    if (sb?.kind === 'FORGERY' || sa?.kind === 'FORGERY') {
      forgery.cases++;
      const clearedBefore = sb?.outcome === 'CLEARED_OUT';
      const clearedAfter = sa?.outcome === 'CLEARED_OUT';
      if (clearedBefore) forgery.clearedOutBefore++;
      if (clearedAfter) forgery.clearedOutAfter++;
      if (clearedBefore && sa?.kind === 'FORGERY' && !clearedAfter) forgery.finedInsteadOfClearedOut++;
      if (clearedAfter && sb?.kind === 'FORGERY' && !clearedBefore) forgery.clearedOutInsteadOfFined++;
      if (sa?.remediationAssumed) forgery.remediationAssumed++;
    }
    const pointsChanged = before.points[k] !== after.points[k];
    if (!pointsChanged && sameSanction(sb, sa)) continue;
    decisionsChanged++;
    changedMerchants.add(prepared.slots[k]);
    if (sample.length < sampleSize) {
      const kinds: ChangedDecisionKind[] = [];
      if (pointsChanged) kinds.push('POINTS');
      if ((sb?.kind === 'LADDER_NODE' || sa?.kind === 'LADDER_NODE') && !sameSanction(sb, sa)) kinds.push('LADDER_NODE');
      if ((sb?.kind === 'FORGERY' || sa?.kind === 'FORGERY') && !sameSanction(sb, sa)) kinds.push('FORGERY');
      const ruleBefore = input.inForce(v.marketplace, v.occurredAt);
      const summary = (run: Run, s: SimulatedSanction | null, ruleVersion: string): DecisionSummary => ({ ruleVersion, points: run.points[k] === REJECTED ? null : run.points[k], sanction: s });
      const b = summary(before, sb, ruleBefore.version);
      const a = summary(after, sa, draftRuleSet.version);
      sample.push({ violationId: v.violationId, merchantId: v.merchantId, occurredAt: v.occurredAt, kinds, before: b, after: a, reason: reasonOf(v, b, a, ruleBefore, draftRuleSet) });
    }
  }

  const nodes = nodeChanges(before.states, after.states, [draftRuleSet, ...before.ruleSets]);
  let merchants = 0;
  for (const state of before.states) if (state?.touched) merchants++;
  // Section 7: the deposit table is rule data too; a profile's requirement now (the period's end) against the draft's.
  const deposit = { merchantsWithProfile: 0, raised: 0, lowered: 0, requiredFen: { before: 0, after: 0 } };
  const requirements = new Map<number, [number, number]>();
  if (input.profiles) {
    const end = new Date(window.toMs - 1);
    const inForceAtEnd = input.inForce(draft.marketplace, end);
    for (let slot = 0; slot < prepared.merchants.length; slot++) {
      if (!before.states[slot]?.touched) continue;
      const profile = input.profiles.get(prepared.merchants[slot].merchantId);
      if (!profile) continue;
      const b = depositRequirementUnder(profile, inForceAtEnd);
      const a = depositRequirementUnder(profile, draftRuleSet);
      requirements.set(slot, [b, a]);
      deposit.merchantsWithProfile++;
      deposit.requiredFen.before += b;
      deposit.requiredFen.after += a;
      if (a > b) deposit.raised++;
      if (a < b) deposit.lowered++;
      if (a !== b) changedMerchants.add(slot);
    }
  }
  const differences: MerchantDifference[] = [...changedMerchants].map((slot) => ({
    marketplace: draft.marketplace,
    merchantId: prepared.merchants[slot].merchantId,
    before: judgementOf(before.states[slot]!, window.firstYear, requirements.get(slot)?.[0] ?? null),
    after: judgementOf(after.states[slot]!, window.firstYear, requirements.get(slot)?.[1] ?? null),
  }));
  return {
    marketplace: draft.marketplace,
    draftVersion: draft.versionId,
    period: input.period,
    violations: order.length - history,
    history,
    rejected: { before: before.rejected, after: after.rejected },
    merchants,
    merchantsChanged: changedMerchants.size,
    decisionsChanged,
    nodes,
    finesFen: fines,
    depositForfeitures: forfeitures,
    deposit,
    forgery,
    differences,
    sample,
  };
}

/** A rule set from a rulebook version carries its deposit table; one without (the built-in RULE_SETS) has today's table in code. */
function depositRequirementUnder(profile: DepositProfile, ruleSet: RuleSet & { deposit?: DepositRuleData }): number {
  return ruleSet.deposit ? depositRequirementFenUnder(profile, ruleSet.deposit) : depositRequirementFen(profile);
}

/** Per node of either side's ladders: merchant-years of the period passing it before and after. */
function nodeChanges(
  beforeStates: readonly (MerchantState | undefined)[],
  afterStates: readonly (MerchantState | undefined)[],
  ruleSets: Iterable<RuleSet>,
): NodeChange[] {
  const changes = new Map<string, NodeChange>();
  const entry = (track: Track, node: number) => {
    const key = `${track}:${node}`;
    let change = changes.get(key);
    if (!change) changes.set(key, (change = { track, node, reachedBefore: 0, reachedAfter: 0, newlyReaching: 0, noLongerReaching: 0 }));
    return change;
  };
  // Every node of the ladders that applied, even one nobody reached (the table shows it with zeros).
  for (const ruleSet of ruleSets) for (const track of TRACKS) for (const step of ruleSet.ladders[track]) entry(track, step.node);
  // Nodes passed in the period: those its sanctions imposed or skipped (a node passed by the history before it is not counted).
  const passedBy = (state: MerchantState): string[] => {
    const keys: string[] = [];
    for (const sanction of state.sanctions ?? []) {
      if (sanction.kind !== 'LADDER_NODE') continue;
      keys.push(`${sanction.naturalYear}|${sanction.track}|${sanction.node}`);
      for (const node of sanction.skipped) keys.push(`${sanction.naturalYear}|${sanction.track}|${node}`);
    }
    return keys;
  };
  const count = (key: string) => {
    const [, track, node] = key.split('|');
    return entry(track as Track, Number(node));
  };
  for (let slot = 0; slot < beforeStates.length; slot++) {
    const b = beforeStates[slot];
    if (!b?.touched) continue;
    const a = afterStates[slot]!;
    if (b.sanctions === null && a.sanctions === null) continue;
    const pb = passedBy(b);
    const pa = passedBy(a);
    for (const key of pb) {
      const change = count(key);
      change.reachedBefore++;
      if (!pa.includes(key)) change.noLongerReaching++;
    }
    for (const key of pa) {
      const change = count(key);
      change.reachedAfter++;
      if (!pb.includes(key)) change.newlyReaching++;
    }
  }
  return [...changes.values()].sort((x, y) => (x.track < y.track ? -1 : x.track > y.track ? 1 : x.node - y.node));
}

const yuan = (fen: number) => `${(fen / 100).toLocaleString('en-US', { maximumFractionDigits: 2 })} CNY`;

/** Which cell of the rule data gives the violation its points (section 1). */
function pointsCell(v: StoredViolation, ruleSet: RuleSet): { points: number; text: string } {
  if (ruleSet.pointlessCodes.includes(v.code)) return { points: 0, text: `${v.code} carries no points` };
  if (v.scenario !== null) return { points: ruleSet.examScenarioPoints, text: `scenario ${v.scenario} is worth ${ruleSet.examScenarioPoints} (examScenarioPoints)` };
  const override = ruleSet.pointOverrides[v.code]?.[v.severity];
  if (override !== undefined) return { points: override, text: `${v.code} ${v.severity} is worth ${override} (pointOverrides.${v.code}.${v.severity})` };
  const track = trackOf(v.code);
  return { points: ruleSet.points[track][v.severity], text: `${v.code} ${v.severity} is worth ${ruleSet.points[track][v.severity]} (points.${track}.${v.severity})` };
}

/** Why a violation counts for what it does under a rule set: its cell, and what brought it below the cell (sections 2, 5, 6). */
function pointsText(v: StoredViolation, points: number | null, ruleSet: RuleSet): string {
  if (points === null) return `refused under ${ruleSet.version}`;
  const cell = pointsCell(v, ruleSet);
  const examWaives = v.scenario !== null && ruleSet.examScenarios.includes(v.scenario);
  let why = cell.text;
  if (points === 0 && cell.points > 0) {
    if (v.waivedBy === 'APPEAL') why += ', revoked by an accepted appeal';
    else if (v.waivedBy === 'EXAM' && examWaives) why += ', waived by the exam passed (examScenarios, examChancesPerYear)';
    else why += `, the first ${v.scenario} of the year: self-check chance (selfCheckScenarios)`;
  } else if (points > 0 && v.waivedBy === 'EXAM') {
    why += examWaives ? ', the exam passed finds no chance left this year (examChancesPerYear)' : `, the exam passed does not waive ${v.scenario ?? v.code} here (examScenarios)`;
  }
  return `${points} point(s) under ${ruleSet.version} (${why})`;
}

function sanctionText(s: SimulatedSanction | null): string {
  if (s === null) return 'no sanction';
  const what = [
    ...s.measures.map((m) => (m.days === null ? m.type : `${m.type} ${m.days} d`)),
    ...(s.fineFen > 0 ? [`fine ${yuan(s.fineFen)}`] : []),
    ...(s.forfeitsDeposit ? ['the whole deposit'] : []),
  ].join(', ');
  if (s.kind === 'FORGERY') {
    const outcome = s.outcome === 'CLEARED_OUT' ? 'cleared out' : s.outcome === 'REMEDIED' ? 'remedied' : s.remediationAssumed ? 'not remedied (no remediation recorded: assumed)' : 'not remedied';
    return `forgery case ${s.caseNumber} ${outcome}: ${what || 'nothing'}`;
  }
  return `${s.track} node ${s.node} reached at ${s.total} points in ${s.naturalYear}${s.skipped.length > 0 ? ` (skipping ${s.skipped.join(', ')})` : ''}: ${what || 'nothing'}`;
}

function reasonOf(v: StoredViolation, b: DecisionSummary, a: DecisionSummary, ruleBefore: RuleSet, ruleAfter: RuleSet): string {
  const parts: string[] = [];
  if (b.points !== a.points) {
    parts.push(`points: ${pointsText(v, b.points, ruleBefore)} → ${pointsText(v, a.points, ruleAfter)}`);
  }
  if (!sameSanction(b.sanction, a.sanction)) parts.push(`sanction: ${sanctionText(b.sanction)} under ${ruleBefore.version} → ${sanctionText(a.sanction)} under ${ruleAfter.version}`);
  return parts.join('; ');
}
