import { assessViolation } from './assess-violation';
import { CATALOGUE, SCENARIOS, trackOf } from './catalogue';
import { DomainError } from './domain-error';
import { RULE_SETS, ruleSetAt } from './rule-sets.data';
import type { RuleSet } from './rule-set';
import { EXAM_ELIGIBLE_SCENARIOS, GENERAL_VIOLATION_CODES, SERIOUS_VIOLATION_CODES, VIOLATION_CODES, type Severity } from './vocabulary';

const ruleSet = ruleSetAt(new Date('2023-06-25T10:00:00+08:00'));
const notSeen = { scenarioAlreadySeenThisYear: false };
const seen = { scenarioAlreadySeenThisYear: true };
const at = new Date('2023-06-25T10:00:00+08:00');

describe('catalogue (rulebook section 1)', () => {
  it('holds 11 general and 13 serious codes, each with English and Chinese names', () => {
    expect(GENERAL_VIOLATION_CODES).toHaveLength(11);
    expect(SERIOUS_VIOLATION_CODES).toHaveLength(13);
    for (const code of VIOLATION_CODES) {
      expect(CATALOGUE[code].code).toBe(code);
      expect(CATALOGUE[code].en.length).toBeGreaterThan(0);
      expect(CATALOGUE[code].zh).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it.each(GENERAL_VIOLATION_CODES.map((c) => [c]))('%s is on the GENERAL track', (code) => {
    expect(trackOf(code)).toBe('GENERAL');
    expect(CATALOGUE[code].track).toBe('GENERAL');
  });

  it.each(SERIOUS_VIOLATION_CODES.map((c) => [c]))('%s is on the SERIOUS track', (code) => {
    expect(trackOf(code)).toBe('SERIOUS');
    expect(CATALOGUE[code].track).toBe('SERIOUS');
  });

  it('files the five exam-eligible scenarios under their codes', () => {
    expect(Object.fromEntries(EXAM_ELIGIBLE_SCENARIOS.map((s) => [s, SCENARIOS[s].code]))).toEqual({
      AD_INFO: 'INFORMATION_ABUSE',
      DUPLICATE_INFO: 'INFORMATION_ABUSE',
      WRONG_DESCRIPTION: 'INFORMATION_ABUSE',
      OTHER_SPAM: 'INFORMATION_ABUSE',
      COPYRIGHT_IMAGE_MISUSE: 'IMPROPER_USE_OF_OTHERS_RIGHTS',
    });
  });
});

describe('assessViolation: default points table', () => {
  const generalCells = GENERAL_VIOLATION_CODES.flatMap((code) => (['MINOR', 'STANDARD', 'SEVERE'] as Severity[]).map((s) => [code, s, { MINOR: 1, STANDARD: 3, SEVERE: 6 }[s]] as const));
  const seriousCells = SERIOUS_VIOLATION_CODES.filter((c) => c !== 'QUALIFICATION_FORGERY').flatMap((code) =>
    (['MINOR', 'STANDARD', 'SEVERE'] as Severity[]).map((s) => [code, s, { MINOR: 6, STANDARD: 12, SEVERE: 48 }[s]] as const),
  );

  it.each([...generalCells, ...seriousCells])('%s %s scores %d', (code, severity, points) => {
    const a = assessViolation({ code, severity, occurredAt: at }, notSeen, ruleSet);
    expect(a).toEqual({ track: trackOf(code), naturalYear: 2023, ruleVersion: '2022-06-27', basePoints: points, points, waiver: null, examEligible: false });
  });

  it.each(['MINOR', 'STANDARD', 'SEVERE'] as Severity[])('QUALIFICATION_FORGERY %s carries no points (section 4 handles it)', (severity) => {
    const a = assessViolation({ code: 'QUALIFICATION_FORGERY', severity, occurredAt: at }, notSeen, ruleSet);
    expect(a).toMatchObject({ track: 'SERIOUS', basePoints: 0, points: 0, waiver: null });
  });

  it('lets rule data override one (code, severity) cell and no other', () => {
    const custom: RuleSet = { ...ruleSet, pointOverrides: { DELAYED_SHIPMENT: { SEVERE: 4 } } };
    expect(assessViolation({ code: 'DELAYED_SHIPMENT', severity: 'SEVERE', occurredAt: at }, notSeen, custom).points).toBe(4);
    expect(assessViolation({ code: 'DELAYED_SHIPMENT', severity: 'STANDARD', occurredAt: at }, notSeen, custom).points).toBe(3);
    expect(assessViolation({ code: 'FAKE_TRANSACTION', severity: 'SEVERE', occurredAt: at }, notSeen, custom).points).toBe(6);
  });
});

describe('assessViolation: exam-eligible scenarios and the self-check chance (section 2)', () => {
  it('rulebook example: 2023-06-25 first AD_INFO of the year 0 points; 2023-10-01 second AD_INFO 1 point', () => {
    const first = assessViolation({ code: 'INFORMATION_ABUSE', scenario: 'AD_INFO', severity: 'STANDARD', occurredAt: new Date('2023-06-25T10:00:00+08:00') }, notSeen, ruleSet);
    expect(first).toMatchObject({ naturalYear: 2023, basePoints: 1, points: 0, waiver: 'SELF_CHECK', examEligible: true });
    const second = assessViolation({ code: 'INFORMATION_ABUSE', scenario: 'AD_INFO', severity: 'STANDARD', occurredAt: new Date('2023-10-01T10:00:00+08:00') }, seen, ruleSet);
    expect(second).toMatchObject({ naturalYear: 2023, basePoints: 1, points: 1, waiver: null, examEligible: true });
  });

  it.each(EXAM_ELIGIBLE_SCENARIOS.flatMap((s) => (['MINOR', 'STANDARD', 'SEVERE'] as Severity[]).map((sev) => [s, sev])))(
    '%s at %s scores 1 point whatever the severity, 0 the first time in a year',
    (scenario, severity) => {
      const code = SCENARIOS[scenario as keyof typeof SCENARIOS].code;
      const v = { code, scenario: scenario as keyof typeof SCENARIOS, severity: severity as Severity, occurredAt: at };
      expect(assessViolation(v, seen, ruleSet)).toMatchObject({ basePoints: 1, points: 1, waiver: null });
      expect(assessViolation(v, notSeen, ruleSet)).toMatchObject({ basePoints: 1, points: 0, waiver: 'SELF_CHECK' });
    },
  );

  it('refuses a scenario filed under the wrong code with a coded, non-retriable error', () => {
    const attempt = () => assessViolation({ code: 'DELAYED_SHIPMENT', scenario: 'AD_INFO', severity: 'MINOR', occurredAt: at }, notSeen, ruleSet);
    expect(attempt).toThrow(DomainError);
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ code: 'VIOLATION.SCENARIO_CODE_MISMATCH', retriable: false });
      expect((error as Error).message).toContain('INFORMATION_ABUSE');
    }
  });

  it('names the natural year and rule version in force at occurredAt', () => {
    const a = assessViolation({ code: 'FRAUD', severity: 'MINOR', occurredAt: new Date('2022-06-26T23:59:00+08:00') }, notSeen, ruleSetAt(new Date('2022-06-26T23:59:00+08:00')));
    expect(a).toMatchObject({ naturalYear: 2022, ruleVersion: '2019', points: 6 });
    expect(RULE_SETS.map((r) => r.version)).toEqual(['2019', '2022-06-27']);
  });
});
