import { openForgeryCases, type ForgeryDetected, type KnownForgeryCase } from './open-forgery-cases';
import { ruleSetAt } from './rule-sets.data';

const openedAt = new Date('2026-11-23T10:00:00+08:00');
const detected = (merchantId: string, violationId: string, over: Partial<ForgeryDetected> = {}): ForgeryDetected => ({
  merchantId, violationId, severity: 'STANDARD', occurredAt: new Date('2026-11-20T10:00:00+08:00'), ...over,
});
const open = (violations: ForgeryDetected[], known: KnownForgeryCase[] = []) => openForgeryCases(violations, known, { openedAt, ruleSetAt: (at) => ruleSetAt(at) }).map((o) => (o.kind === 'OPENED' ? `${o.violation.violationId}#${o.caseNumber}:${o.opening.outcome}` : `${o.violation.violationId}:DUPLICATE`));

describe('openForgeryCases: a batch of detected forgeries (section 4)', () => {
  it('numbers a merchant cases in order within the batch: the third clears out at once', () => {
    expect(open([detected('m-1', 'f1'), detected('m-2', 'g1'), detected('m-1', 'f2'), detected('m-1', 'f3')])).toEqual([
      'f1#1:REMEDIATION_WINDOW', 'g1#1:REMEDIATION_WINDOW', 'f2#2:REMEDIATION_WINDOW', 'f3#3:CLEAR_OUT',
    ]);
  });

  it('counts the cases known before the batch except those revoked by an appeal', () => {
    const known: KnownForgeryCase[] = [
      { merchantId: 'm-1', violationId: 'old-1', status: 'REMEDIED' },
      { merchantId: 'm-1', violationId: 'old-2', status: 'REVOKED' },
    ];
    expect(openForgeryCases([detected('m-1', 'f1')], known, { openedAt, ruleSetAt: (at) => ruleSetAt(at) })[0]).toMatchObject({ kind: 'OPENED', caseNumber: 2 });
  });

  it('opens nothing for a violationId that has a case, before or earlier in the batch, and gives it no number', () => {
    expect(open([detected('m-1', 'f1'), detected('m-1', 'f1'), detected('m-1', 'old'), detected('m-1', 'f2')], [{ merchantId: 'm-1', violationId: 'old', status: 'OPEN' }])).toEqual([
      'f1#2:REMEDIATION_WINDOW', 'f1:DUPLICATE', 'old:DUPLICATE', 'f2#3:CLEAR_OUT',
    ]);
  });

  it('judges each forgery by the rule version in force when it occurred, and a severe one clears out at once', () => {
    const outcomes = openForgeryCases([detected('m-1', 'a', { occurredAt: new Date('2022-06-26T23:00:00+08:00') }), detected('m-2', 'b', { severity: 'SEVERE' })], [], { openedAt, ruleSetAt: (at) => ruleSetAt(at) });
    expect(outcomes.map((o) => o.kind === 'OPENED' && [o.ruleSet.version, o.opening.outcome])).toEqual([['2019', 'CLEAR_OUT'], ['2022-06-27', 'CLEAR_OUT']]);
  });
});
