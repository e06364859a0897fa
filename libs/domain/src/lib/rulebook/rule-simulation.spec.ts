import { assessViolations } from '../assess-violations';
import { followLadder, type TotalChange } from '../follow-ladder';
import { RULE_SETS, SERIOUS_LADDER } from '../rule-sets.data';
import { GENERAL_VIOLATION_CODES, SERIOUS_VIOLATION_CODES, SEVERITIES, type Severity, type ViolationCode } from '../vocabulary';
import { ruleDataOf, type RuleData } from './rule-data';
import { RulebookCatalogue } from './rulebook-catalogue';
import { seedVersions } from './rulebook-seed';
import { replayHistory, simulate, type StoredViolation } from './rule-simulation';
import { approveVersion, draftVersion, withdrawVersion } from './rulebook-version';

const at = (iso: string) => new Date(iso);
const catalogue = new RulebookCatalogue([...seedVersions({ marketplace: 'tmall' }), ...seedVersions({ marketplace: 'tmall-global' })]);
const inForce = catalogue.ruleSetAt.bind(catalogue);
const year2022 = { from: at('2022-01-01T00:00:00+08:00'), to: at('2023-01-01T00:00:00+08:00') };
const data2022 = ruleDataOf(RULE_SETS[1]);

let seq = 0;
function violation(merchantId: string, occurredAt: string, code: ViolationCode, severity: Severity = 'STANDARD', more: Partial<StoredViolation> = {}): StoredViolation {
  return { violationId: `v-${++seq}`, merchantId, marketplace: 'tmall-global', code, severity, scenario: null, occurredAt: at(occurredAt), ...more };
}
const draftOf = (ruleData: RuleData, marketplace = 'tmall-global') => ({ marketplace, versionId: 'draft-1', ruleData });

describe('simulate: the 2022-06-27 forgery change replayed as a rule change (rulebook section 4, issue 12 item 8)', () => {
  const violations = [
    violation('m-fined', '2022-03-01T10:00:00+08:00', 'QUALIFICATION_FORGERY'),
    violation('m-severe', '2022-03-02T10:00:00+08:00', 'QUALIFICATION_FORGERY', 'SEVERE'),
    violation('m-later', '2022-07-01T10:00:00+08:00', 'QUALIFICATION_FORGERY', 'STANDARD', { remediation: 'ACCEPTED' }),
    violation('m-three', '2022-01-10T10:00:00+08:00', 'QUALIFICATION_FORGERY'),
    violation('m-three', '2022-02-10T10:00:00+08:00', 'QUALIFICATION_FORGERY'),
    violation('m-three', '2022-03-10T10:00:00+08:00', 'QUALIFICATION_FORGERY'),
    violation('m-appealed', '2022-04-01T10:00:00+08:00', 'QUALIFICATION_FORGERY', 'STANDARD', { waivedBy: 'APPEAL' }),
  ];
  const report = simulate({ violations, draft: draftOf(data2022), inForce, period: year2022 });

  it('shows which merchants would have been fined instead of cleared out', () => {
    expect(report.differences.map((d) => d.merchantId).sort()).toEqual(['m-fined', 'm-three']);
    const fined = report.differences.find((d) => d.merchantId === 'm-fined')!;
    expect(fined.before.forgery).toEqual([{ violationId: violations[0].violationId, caseNumber: 1, outcome: 'CLEARED_OUT', fineFen: 0, remediationAssumed: false }]);
    expect(fined.after.forgery).toEqual([{ violationId: violations[0].violationId, caseNumber: 1, outcome: 'UNREMEDIED', fineFen: 1_000_000, remediationAssumed: true }]);
    expect(fined.before.sanctions[0].measures.map((m) => m.type)).toEqual(['TERMINATION', 'DEPOSIT_FORFEITURE']);
    expect(fined.after.sanctions[0].measures.map((m) => m.type)).toEqual(['BRAND_AUTHORIZATION_REVOCATION', 'DELIST_RELATED_ITEMS']);
    const three = report.differences.find((d) => d.merchantId === 'm-three')!;
    expect(three.before.forgery.map((c) => c.outcome)).toEqual(['CLEARED_OUT', 'CLEARED_OUT', 'CLEARED_OUT']);
    expect(three.after.forgery.map((c) => c.outcome)).toEqual(['UNREMEDIED', 'UNREMEDIED', 'CLEARED_OUT']);
  });

  it('totals the forgery outcomes and fines', () => {
    expect(report.forgery).toEqual({ cases: 6, clearedOutBefore: 5, clearedOutAfter: 2, finedInsteadOfClearedOut: 3, clearedOutInsteadOfFined: 0, remediationAssumed: 3 });
    expect(report.finesFen).toEqual({ before: 500_000, after: 500_000 + 3 * 1_000_000 });
    expect(report.depositForfeitures).toEqual({ before: 5, after: 2 });
    expect(report).toMatchObject({ violations: 7, history: 0, merchants: 5, merchantsChanged: 2, decisionsChanged: 3 });
  });

  it('samples each changed decision with its reason', () => {
    expect(report.sample.map((s) => s.violationId)).toEqual([violations[3].violationId, violations[4].violationId, violations[0].violationId]);
    expect(report.sample[2]).toMatchObject({ merchantId: 'm-fined', kinds: ['FORGERY'], before: { ruleVersion: '2019', points: 0 }, after: { ruleVersion: 'draft-1', points: 0 } });
    expect(report.sample[2].reason).toBe(
      'sanction: forgery case 1 cleared out: TERMINATION, DEPOSIT_FORFEITURE, the whole deposit under 2019 → forgery case 1 not remedied (no remediation recorded: assumed): BRAND_AUTHORIZATION_REVOCATION, DELIST_RELATED_ITEMS, fine 10,000 CNY under draft-1',
    );
    expect(simulate({ violations, draft: draftOf(data2022), inForce, period: year2022, sampleSize: 1 }).sample).toHaveLength(1);
  });

  it('a draft equal to the rules in force changes nothing', () => {
    const later = { from: at('2022-06-27T00:00:00+08:00'), to: year2022.to };
    const same = simulate({ violations, draft: draftOf(data2022), inForce, period: later });
    expect(same).toMatchObject({ violations: 1, history: 6, merchantsChanged: 0, decisionsChanged: 0, differences: [], sample: [] });
  });
});

describe('simulate: points and ladders', () => {
  const violations = [
    violation('m1', '2023-02-01T10:00:00+08:00', 'FRAUD'),
    violation('m1', '2023-03-01T10:00:00+08:00', 'FRAUD'),
    violation('m2', '2023-02-01T10:00:00+08:00', 'COUNTERFEIT_GOODS', 'MINOR'),
    violation('m3', '2023-02-01T10:00:00+08:00', 'INFORMATION_ABUSE', 'MINOR', { scenario: 'AD_INFO' }),
    violation('m3', '2023-03-01T10:00:00+08:00', 'INFORMATION_ABUSE', 'MINOR', { scenario: 'AD_INFO', waivedBy: 'EXAM' }),
  ];
  const year2023 = { from: at('2023-01-01T00:00:00+08:00'), to: at('2024-01-01T00:00:00+08:00') };

  it('reports merchants newly reaching a node, and no longer reaching one, with the point cells that moved them', () => {
    const draft = structuredClone(data2022);
    draft.pointOverrides = { FRAUD: { STANDARD: 18 } };
    const report = simulate({ violations, draft: draftOf(draft), inForce, period: year2023 });
    expect(report.nodes).toEqual([
      { track: 'SERIOUS', node: 12, reachedBefore: 1, reachedAfter: 1, newlyReaching: 0, noLongerReaching: 0 },
      { track: 'SERIOUS', node: 24, reachedBefore: 1, reachedAfter: 1, newlyReaching: 0, noLongerReaching: 0 },
      { track: 'SERIOUS', node: 36, reachedBefore: 0, reachedAfter: 1, newlyReaching: 1, noLongerReaching: 0 },
      { track: 'SERIOUS', node: 48, reachedBefore: 0, reachedAfter: 0, newlyReaching: 0, noLongerReaching: 0 },
    ]);
    const m1 = report.differences.find((d) => d.merchantId === 'm1')!;
    expect(m1.before.years).toEqual([{ naturalYear: 2023, points: { GENERAL: 0, SERIOUS: 24 }, nodes: [{ track: 'SERIOUS', node: 12, status: 'IMPOSED' }, { track: 'SERIOUS', node: 24, status: 'IMPOSED' }] }]);
    expect(m1.after.years).toEqual([{ naturalYear: 2023, points: { GENERAL: 0, SERIOUS: 36 }, nodes: [{ track: 'SERIOUS', node: 12, status: 'IMPOSED' }, { track: 'SERIOUS', node: 36, status: 'IMPOSED' }, { track: 'SERIOUS', node: 24, status: 'SKIPPED' }].sort((a, b) => a.node - b.node) }]);
    expect(m1.before.finesFen).toBe((20_000 + 30_000) * 100);
    expect(m1.after.finesFen).toBe((20_000 + 40_000) * 100);
    expect(report.finesFen).toEqual({ before: 5_000_000, after: 6_000_000 });
    // the first FRAUD reaches node 12 on both sides (the same sanction, on 12 or 18 points); the second reaches 24, or 36 skipping 24
    expect(report.sample.map((s) => [s.merchantId, s.kinds])).toEqual([
      ['m1', ['POINTS']],
      ['m1', ['POINTS', 'LADDER_NODE']],
    ]);
    expect(report.sample[0].reason).toBe(
      'points: 12 point(s) under 2022-06-27 (FRAUD STANDARD is worth 12 (points.SERIOUS.STANDARD)) → 18 point(s) under draft-1 (FRAUD STANDARD is worth 18 (pointOverrides.FRAUD.STANDARD))',
    );
    expect(report.sample[1].reason).toBe(
      'points: 12 point(s) under 2022-06-27 (FRAUD STANDARD is worth 12 (points.SERIOUS.STANDARD)) → 18 point(s) under draft-1 (FRAUD STANDARD is worth 18 (pointOverrides.FRAUD.STANDARD)); ' +
        'sanction: SERIOUS node 24 reached at 24 points in 2023: STORE_SHIELDING 14 d, LISTING_RESTRICTION 14 d, STORE_CREATION_RESTRICTION 14 d, MESSAGING_RESTRICTION 14 d, COMMUNITY_RESTRICTION 14 d, PUBLIC_WARNING 14 d, MARKETING_BAN 60 d, DELIST_ALL_ITEMS, fine 30,000 CNY under 2022-06-27 → ' +
        'SERIOUS node 36 reached at 36 points in 2023 (skipping 24): STORE_CLOSURE 21 d, MESSAGING_RESTRICTION 21 d, COMMUNITY_RESTRICTION 21 d, PUBLIC_WARNING 21 d, MARKETING_BAN 90 d, fine 40,000 CNY under draft-1',
    );
  });

  it('reports a changed node content (longer measures) even where the same node is reached', () => {
    const draft = structuredClone(data2022);
    draft.ladders.SERIOUS[0].timedMeasureDays = 10;
    const report = simulate({ violations, draft: draftOf(draft), inForce, period: year2023 });
    expect(report.merchantsChanged).toBe(1);
    expect(report.sample.map((s) => s.kinds)).toEqual([['LADDER_NODE']]);
    expect(report.sample[0].reason).toContain('STORE_SHIELDING 7 d');
    expect(report.sample[0].reason).toContain('STORE_SHIELDING 10 d');
  });

  it('follows the self-check chance and exam waivers under the draft', () => {
    const draft = structuredClone(data2022);
    draft.selfCheckScenarios = [];
    draft.examScenarios = [];
    const report = simulate({ violations, draft: draftOf(draft), inForce, period: year2023 });
    const m3 = report.differences.find((d) => d.merchantId === 'm3')!;
    // before: the first AD_INFO is a self-check chance (0), the second waived by the exam passed (0); after: neither
    expect(m3.before.years[0].points.GENERAL).toBe(0);
    expect(m3.after.years[0].points.GENERAL).toBe(2);
    expect(report.sample.filter((s) => s.merchantId === 'm3').map((s) => [s.before.points, s.after.points])).toEqual([[0, 1], [0, 1]]);
    expect(report.sample.filter((s) => s.merchantId === 'm3').map((s) => s.reason)).toEqual([
      'points: 0 point(s) under 2022-06-27 (scenario AD_INFO is worth 1 (examScenarioPoints), the first AD_INFO of the year: self-check chance (selfCheckScenarios)) → 1 point(s) under draft-1 (scenario AD_INFO is worth 1 (examScenarioPoints))',
      'points: 0 point(s) under 2022-06-27 (scenario AD_INFO is worth 1 (examScenarioPoints), waived by the exam passed (examScenarios, examChancesPerYear)) → 1 point(s) under draft-1 (scenario AD_INFO is worth 1 (examScenarioPoints), the exam passed does not waive AD_INFO here (examScenarios))',
    ]);
  });

  it('applies an exam passed in history only within the draft\'s exam chances per year', () => {
    const exams = [
      violation('m5', '2023-02-01T10:00:00+08:00', 'INFORMATION_ABUSE', 'MINOR', { scenario: 'AD_INFO' }),
      violation('m5', '2023-03-01T10:00:00+08:00', 'INFORMATION_ABUSE', 'MINOR', { scenario: 'AD_INFO', waivedBy: 'EXAM' }),
      violation('m5', '2023-04-01T10:00:00+08:00', 'INFORMATION_ABUSE', 'MINOR', { scenario: 'DUPLICATE_INFO' }),
      violation('m5', '2023-05-01T10:00:00+08:00', 'INFORMATION_ABUSE', 'MINOR', { scenario: 'DUPLICATE_INFO', waivedBy: 'EXAM' }),
    ];
    const none = simulate({ violations: exams, draft: draftOf({ ...structuredClone(data2022), examChancesPerYear: 0 }), inForce, period: year2023 });
    // in force (one chance a year): the first exam waives, the second finds no chance left; the draft offers none
    expect(none.differences[0].before.years[0].points.GENERAL).toBe(1);
    expect(none.differences[0].after.years[0].points.GENERAL).toBe(2);
    const two = simulate({ violations: exams, draft: draftOf({ ...structuredClone(data2022), examChancesPerYear: 2 }), inForce, period: year2023 });
    expect(two.differences[0].after.years[0].points.GENERAL).toBe(0);
    expect(two.sample.map((d) => [d.violationId, d.before.points, d.after.points])).toEqual([[exams[3].violationId, 1, 0]]);
    expect(two.sample[0].reason).toBe(
      'points: 1 point(s) under 2022-06-27 (scenario DUPLICATE_INFO is worth 1 (examScenarioPoints), the exam passed finds no chance left this year (examChancesPerYear)) → 0 point(s) under draft-1 (scenario DUPLICATE_INFO is worth 1 (examScenarioPoints), waived by the exam passed (examScenarios, examChancesPerYear))',
    );
  });

  it('compares deposit requirements under the deposit table of the draft, for the merchants whose profile is given', () => {
    const draft = structuredClone(data2022);
    draft.deposit.tableFen.FLAGSHIP.R = 80_000_00;
    const profiles = new Map([
      ['m1', { storeType: 'FLAGSHIP' as const, trademarkStatus: 'R' as const, categories: [] }],
      ['m2', { storeType: 'FRANCHISE' as const, trademarkStatus: 'R' as const, categories: [] }],
      ['m3', { storeType: 'FLAGSHIP' as const, trademarkStatus: 'R' as const, categories: ['SERVICES'] }],
    ]);
    const report = simulate({ violations, draft: draftOf(draft), inForce, period: year2023, profiles });
    expect(report.deposit).toEqual({ merchantsWithProfile: 3, raised: 1, lowered: 0, requiredFen: { before: (50_000 + 100_000 + 10_000) * 100, after: (80_000 + 100_000 + 10_000) * 100 } });
    expect(report.differences.map((d) => [d.merchantId, d.before.depositRequirementFen, d.after.depositRequirementFen])).toEqual([['m1', 50_000_00, 80_000_00]]);
    expect(simulate({ violations, draft: draftOf(draft), inForce, period: year2023 }).deposit.merchantsWithProfile).toBe(0);
  });

  it('a GENERAL ladder in the draft imposes on the GENERAL track', () => {
    const draft = structuredClone(data2022);
    draft.ladders.GENERAL = [{ ...SERIOUS_LADDER[0], node: 2, fineFen: 100 }];
    draft.selfCheckScenarios = [];
    draft.examScenarios = [];
    const report = simulate({ violations, draft: draftOf(draft), inForce, period: year2023 });
    expect(report.nodes.find((n) => n.track === 'GENERAL')).toEqual({ track: 'GENERAL', node: 2, reachedBefore: 0, reachedAfter: 1, newlyReaching: 1, noLongerReaching: 0 });
  });

  it('counts violations before the period as history only, and leaves out those after it', () => {
    const spanning = [
      violation('m9', '2023-03-01T10:00:00+08:00', 'FRAUD'),
      violation('m9', '2023-07-01T10:00:00+08:00', 'FRAUD'),
      violation('m9', '2024-01-01T00:00:00+08:00', 'FRAUD', 'SEVERE'),
    ];
    const draft = structuredClone(data2022);
    draft.ladders.SERIOUS = draft.ladders.SERIOUS.filter((s) => s.node !== 12);
    const report = simulate({ violations: spanning, draft: draftOf(draft), inForce, period: { from: at('2023-06-01T00:00:00+08:00'), to: year2023.to } });
    expect(report).toMatchObject({ violations: 1, history: 1, merchants: 1 });
    // the node-12 sanction of March (history) is not reported; July's node 24 is, on the March points
    expect(report.differences).toEqual([]);
    // node 12 was passed in March, before the period: only July's node 24 counts as reached in it
    expect(report.nodes.filter((n) => n.reachedBefore + n.reachedAfter > 0)).toEqual([{ track: 'SERIOUS', node: 24, reachedBefore: 1, reachedAfter: 1, newlyReaching: 0, noLongerReaching: 0 }]);
    const judged = replayHistory({ violations: spanning, ruleSetAt: inForce, period: { from: at('2023-06-01T00:00:00+08:00'), to: year2023.to } });
    expect(judged.get('tmall-global/m9')!.sanctions.map((s) => [s.node, s.total])).toEqual([[24, 24]]);
  });

  it('judges unsorted input as sorted input', () => {
    const draft = structuredClone(data2022);
    draft.pointOverrides = { FRAUD: { STANDARD: 18 } };
    const sorted = simulate({ violations, draft: draftOf(draft), inForce, period: year2023 });
    const shuffled = simulate({ violations: [...violations].reverse(), draft: draftOf(draft), inForce, period: year2023 });
    expect(shuffled.differences).toEqual(sorted.differences);
    expect(shuffled.nodes).toEqual(sorted.nodes);
  });

  it('refuses a draft whose rule data is invalid, naming each field, and an empty period', () => {
    const broken = { ...structuredClone(data2022), appealWindowDays: 0 };
    expect(() => simulate({ violations, draft: draftOf(broken), inForce, period: year2023 })).toThrow(expect.objectContaining({ code: 'RULEBOOK.INVALID_RULE_DATA', problems: [expect.objectContaining({ field: 'appealWindowDays' })] }));
    expect(() => simulate({ violations, draft: draftOf(data2022), inForce, period: { from: year2023.to, to: year2023.to } })).toThrow(expect.objectContaining({ code: 'RULEBOOK.INVALID_VERSION' }));
  });

  it('counts violations the rules refuse (a scenario under another code) apart', () => {
    const bad = [violation('m1', '2023-02-01T10:00:00+08:00', 'FRAUD', 'MINOR', { scenario: 'AD_INFO' })];
    expect(simulate({ violations: bad, draft: draftOf(data2022), inForce, period: year2023 }).rejected).toEqual({ before: 1, after: 1 });
  });
});

describe('marketplaces and versions', () => {
  it('two marketplaces with different ladders judge the same merchant id separately', () => {
    const strict = structuredClone(data2022);
    strict.ladders.SERIOUS = [{ ...SERIOUS_LADDER[0], node: 6 }, ...SERIOUS_LADDER.slice(1)];
    const versions = [
      ...seedVersions({ marketplace: 'tmall' }),
      ...seedVersions({ marketplace: 'tmall-global', overrides: { ladders: { SERIOUS: strict.ladders.SERIOUS } } }),
    ];
    const both = new RulebookCatalogue(versions);
    const violations = ['tmall', 'tmall-global'].flatMap((marketplace) => [
      violation('m-same', '2023-02-01T10:00:00+08:00', 'FRAUD', 'MINOR', { marketplace }),
      violation('m-same', '2023-03-01T10:00:00+08:00', 'FRAUD', 'MINOR', { marketplace }),
    ]);
    const judged = replayHistory({ violations, ruleSetAt: both.ruleSetAt.bind(both), period: { from: at('2023-01-01T00:00:00+08:00'), to: at('2024-01-01T00:00:00+08:00') } });
    expect([...judged.keys()].sort()).toEqual(['tmall-global/m-same', 'tmall/m-same']);
    expect(judged.get('tmall/m-same')!.years[0]).toEqual({ naturalYear: 2023, points: { GENERAL: 0, SERIOUS: 12 }, nodes: [{ track: 'SERIOUS', node: 12, status: 'IMPOSED' }] });
    expect(judged.get('tmall-global/m-same')!.years[0]).toEqual({ naturalYear: 2023, points: { GENERAL: 0, SERIOUS: 12 }, nodes: [{ track: 'SERIOUS', node: 6, status: 'IMPOSED' }] });
    // a draft for one marketplace replays only its violations
    const report = simulate({ violations, draft: draftOf(data2022, 'tmall'), inForce: both.ruleSetAt.bind(both), period: { from: at('2023-01-01T00:00:00+08:00'), to: at('2024-01-01T00:00:00+08:00') } });
    expect(report).toMatchObject({ marketplace: 'tmall', violations: 2, merchants: 1, merchantsChanged: 0 });
    const global = simulate({ violations, draft: draftOf(data2022, 'tmall-global'), inForce: both.ruleSetAt.bind(both), period: { from: at('2023-01-01T00:00:00+08:00'), to: at('2024-01-01T00:00:00+08:00') } });
    expect(global.differences.map((d) => [d.marketplace, d.merchantId, d.after.years[0].nodes])).toEqual([['tmall-global', 'm-same', [{ track: 'SERIOUS', node: 12, status: 'IMPOSED' }]]]);
  });

  it('a version withdrawn before its date never applies to violations after that date', () => {
    const harsh = { ...structuredClone(data2022), points: { GENERAL: { MINOR: 1, STANDARD: 3, SEVERE: 6 }, SERIOUS: { MINOR: 12, STANDARD: 24, SEVERE: 48 } } };
    const drafted = draftVersion({ marketplace: 'tmall-global', versionId: '2023-06-01', effectiveFrom: '2023-06-01', ruleData: harsh, author: 'alice', now: at('2023-05-01T00:00:00+08:00') });
    const withdrawn = withdrawVersion(approveVersion(drafted, 'bob', at('2023-05-02T00:00:00+08:00')), 'bob', 'postponed', at('2023-05-20T00:00:00+08:00'));
    const withWithdrawn = new RulebookCatalogue([...seedVersions({ marketplace: 'tmall-global' }), withdrawn]);
    const violations = [violation('m1', '2023-07-01T10:00:00+08:00', 'FRAUD', 'MINOR')];
    const judged = replayHistory({ violations, ruleSetAt: withWithdrawn.ruleSetAt.bind(withWithdrawn), period: { from: at('2023-01-01T00:00:00+08:00'), to: at('2024-01-01T00:00:00+08:00') } });
    expect(judged.get('tmall-global/m1')!.years[0].points.SERIOUS).toBe(6);
    expect(judged.get('tmall-global/m1')!.sanctions).toEqual([]);
    // approved and not withdrawn, it would have applied
    const approvedOnly = new RulebookCatalogue([...seedVersions({ marketplace: 'tmall-global' }), approveVersion(drafted, 'bob', at('2023-05-02T00:00:00+08:00'))]);
    const judgedApproved = replayHistory({ violations, ruleSetAt: approvedOnly.ruleSetAt.bind(approvedOnly), period: { from: at('2023-01-01T00:00:00+08:00'), to: at('2024-01-01T00:00:00+08:00') } });
    expect(judgedApproved.get('tmall-global/m1')!.years[0].points.SERIOUS).toBe(12);
  });
});

describe('replayHistory agrees with assessViolations and followLadder', () => {
  it('on 3,000 generated violations over 40 merchants and two years: totals per merchant-year and imposed nodes', () => {
    // mulberry32: a small deterministic generator with 32-bit integer arithmetic (exact in doubles)
    let seed = 42;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
    const codes = [...GENERAL_VIOLATION_CODES, ...SERIOUS_VIOLATION_CODES.filter((c) => c !== 'QUALIFICATION_FORGERY')];
    const start = at('2022-01-01T00:00:00+08:00').getTime();
    const violations: StoredViolation[] = [];
    for (let i = 0; i < 3000; i++) {
      const code = codes[Math.floor(random() * codes.length)];
      const scenario = code === 'INFORMATION_ABUSE' && random() < 0.5 ? 'AD_INFO' : null;
      violations.push({
        violationId: `g-${i}`,
        merchantId: `m-${Math.floor(random() * 40)}`,
        marketplace: 'tmall',
        code,
        severity: SEVERITIES[Math.floor(random() * 3)],
        scenario,
        occurredAt: new Date(start + Math.floor((i / 3000) * 730 * 86_400_000)),
      });
    }
    const period = { from: at('2022-01-01T00:00:00+08:00'), to: at('2024-01-01T00:00:00+08:00') };
    const judged = replayHistory({ violations, ruleSetAt: inForce, period });

    const assessed = assessViolations(violations, { knownViolations: new Set(), totals: new Map(), scenariosSeen: new Set() }, catalogue.resolverFor('tmall'));
    const changes: TotalChange[] = assessed.outcomes.flatMap((o) =>
      o.kind !== 'ASSESSED'
        ? []
        : [{ merchantId: o.violation.merchantId, naturalYear: o.assessment.naturalYear, track: o.assessment.track, violationId: o.violation.violationId, points: o.assessment.points, newTotal: o.assessment.track === 'SERIOUS' ? o.totals.serious : o.totals.general, ladder: inForce('tmall', o.violation.occurredAt).ladders[o.assessment.track] }],
    );
    let n = 0;
    const { moves } = followLadder({ passed: new Map(), changes, newSanctionId: () => `s-${n++}` });
    const expectedNodes = new Map<string, number[]>();
    moves.forEach((m, i) => {
      if (!m.impose) return;
      const key = `tmall/${changes[i].merchantId}`;
      expectedNodes.set(key, [...(expectedNodes.get(key) ?? []), m.impose.step.node]);
    });

    for (const [key, totals] of assessed.totals) {
      const [merchantId, year] = key.split('|');
      const y = judged.get(`tmall/${merchantId}`)!.years.find((j) => j.naturalYear === Number(year))!;
      expect([key, y.points]).toEqual([key, { GENERAL: totals.general, SERIOUS: totals.serious }]);
    }
    for (const [key, judgement] of judged) expect([key, judgement.sanctions.map((s) => s.node)]).toEqual([key, expectedNodes.get(key) ?? []]);
    expect([...expectedNodes.values()].flat().length).toBeGreaterThan(40);
  });
});
