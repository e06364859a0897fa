import { RULE_SETS, ruleSetAt, ruleSetOfVersion } from './rule-sets.data';

describe('rule versions', () => {
  it.each([
    ['2019-01-01T00:00:00+08:00', '2019'],
    ['2022-06-20T12:00:00+08:00', '2019'],
    ['2022-06-26T23:59:59+08:00', '2019'],
    ['2022-06-26T16:00:00Z', '2022-06-27'],
    ['2022-06-27T00:00:00+08:00', '2022-06-27'],
    ['2026-11-23T10:00:00+08:00', '2022-06-27'],
  ])('a violation at %s falls under version %s', (iso, version) => {
    expect(ruleSetAt(new Date(iso)).version).toBe(version);
  });

  it('2019 clears a forger out; 2022-06-27 opens a 15-day remediation window with 5,000/10,000 CNY fines', () => {
    expect(ruleSetOfVersion('2019')!.forgery).toEqual({ kind: 'CLEAR_OUT' });
    expect(ruleSetOfVersion('2022-06-27')!.forgery).toEqual({
      kind: 'REMEDIATION',
      remediationWindowDays: 15,
      fineFenByCaseNumber: [500_000, 1_000_000],
      unremediedFineFen: 1_000_000,
      terminateFromCaseNumber: 3,
      severeTerminates: true,
    });
    expect(ruleSetOfVersion('1999')).toBeUndefined();
  });

  it('has no GENERAL ladder and a 15-day appeal window by default', () => {
    for (const r of RULE_SETS) {
      expect(r.ladders.GENERAL).toEqual([]);
      expect(r.ladders.SERIOUS.map((s) => s.node)).toEqual([12, 24, 36, 48]);
      expect(r.appealWindowDays).toBe(15);
    }
  });

  it('refuses an instant before every version', () => {
    expect(() => ruleSetAt(new Date(-1))).toThrow('no rule version in force');
  });
});
