import { codeOf, refusal } from '../domain-error.testing';
import { RULE_SETS } from '../rule-sets.data';
import { contentHashOf } from './canonical-json';
import { ruleDataOf } from './rule-data';
import { RulebookError } from './rulebook-error';
import {
  announceAt,
  announcementDue,
  announceVersion,
  approveVersion,
  draftVersion,
  recordInForce,
  reviseDraft,
  versionStatusAt,
  withdrawVersion,
  type RulebookVersion,
} from './rulebook-version';

const at = (iso: string) => new Date(iso);
const base = ruleDataOf(RULE_SETS[1]);

function draft(overrides: Partial<Parameters<typeof draftVersion>[0]> = {}): RulebookVersion {
  return draftVersion({ marketplace: 'tmall-global', versionId: '2027-01-01', effectiveFrom: '2027-01-01', ruleData: base, author: 'alice', now: at('2026-12-01T10:00:00+08:00'), ...overrides });
}
const approved = () => approveVersion(draft(), 'bob', at('2026-12-02T10:00:00+08:00'));

describe('rulebook version lifecycle', () => {
  it('drafts a version with its content hash, status DRAFT and the default lead time of 7 days', () => {
    const v = draft();
    expect(v).toMatchObject({ status: 'DRAFT', origin: 'OPERATOR', author: 'alice', approver: null, leadTimeDays: 7, contentHash: contentHashOf(base) });
    expect(v.ruleData).toEqual(base);
    expect(v.ruleData).not.toBe(base);
  });

  it('refuses a draft with invalid rule data, listing every problem by field', () => {
    let error: unknown;
    try {
      draft({ ruleData: { ...base, appealWindowDays: 0, examScenarioPoints: -1 } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RulebookError);
    expect((error as RulebookError).code).toBe('RULEBOOK.INVALID_RULE_DATA');
    expect((error as RulebookError).problems.map((p) => p.field)).toEqual(['examScenarioPoints', 'appealWindowDays']);
  });

  it('refuses a bad marketplace, version id, date, lead time or a missing author', () => {
    expect(codeOf(() => draft({ marketplace: 'Tmall' }))).toBe('RULEBOOK.INVALID_VERSION');
    expect(codeOf(() => draft({ versionId: '' }))).toBe('RULEBOOK.INVALID_VERSION');
    expect(codeOf(() => draft({ effectiveFrom: '2027-02-30' }))).toBe('RULEBOOK.INVALID_VERSION');
    expect(codeOf(() => draft({ effectiveFrom: '2027-1-1' }))).toBe('RULEBOOK.INVALID_VERSION');
    expect(codeOf(() => draft({ leadTimeDays: -1 }))).toBe('RULEBOOK.INVALID_VERSION');
    expect(codeOf(() => draft({ author: ' ' }))).toBe('RULEBOOK.INVALID_VERSION');
  });

  it('lets a draft be edited; the hash follows the data and an editor other than the author becomes a contributor', () => {
    const v = reviseDraft(draft(), { ruleData: { ...base, appealWindowDays: 20 }, effectiveFrom: '2027-02-01' }, 'carol', at('2026-12-01T11:00:00+08:00'));
    expect(v).toMatchObject({ effectiveFrom: '2027-02-01', contributors: ['carol'], contentHash: contentHashOf({ ...base, appealWindowDays: 20 }) });
    expect(reviseDraft(v, { leadTimeDays: 14 }, 'alice', at('2026-12-01T12:00:00+08:00')).contributors).toEqual(['carol']);
    expect(codeOf(() => reviseDraft(v, { ruleData: { ...base, depositTopUpDays: 0 } }, 'alice', at('2026-12-01T12:00:00+08:00')))).toBe('RULEBOOK.INVALID_RULE_DATA');
  });

  it('four eyes: neither the author nor a contributor approves', () => {
    expect(() => approveVersion(draft(), 'alice', at('2026-12-02T00:00:00+08:00'))).toThrow(refusal('RULEBOOK.FOUR_EYES'));
    const edited = reviseDraft(draft(), { leadTimeDays: 3 }, 'carol', at('2026-12-01T11:00:00+08:00'));
    expect(() => approveVersion(edited, 'carol', at('2026-12-02T00:00:00+08:00'))).toThrow(refusal('RULEBOOK.FOUR_EYES'));
    expect(approveVersion(edited, 'bob', at('2026-12-02T00:00:00+08:00'))).toMatchObject({ status: 'APPROVED', approver: 'bob', approvedAt: at('2026-12-02T00:00:00+08:00') });
  });

  it('approves only ahead of the effective date, and only rule data that still hashes as recorded', () => {
    expect(codeOf(() => approveVersion(draft(), 'bob', at('2027-01-01T00:00:00+08:00')))).toBe('RULEBOOK.EFFECTIVE_DATE_PASSED');
    expect(codeOf(() => approveVersion(draft(), 'bob', at('2026-12-31T23:59:59.999+08:00')))).toBeUndefined();
    const tampered = { ...draft(), ruleData: { ...base, appealWindowDays: 30 } };
    expect(codeOf(() => approveVersion(tampered, 'bob', at('2026-12-02T00:00:00+08:00')))).toBe('RULEBOOK.CONTENT_HASH_MISMATCH');
  });

  it('an approved version is no longer editable nor approvable again', () => {
    expect(codeOf(() => reviseDraft(approved(), { leadTimeDays: 1 }, 'alice', at('2026-12-03T00:00:00+08:00')))).toBe('RULEBOOK.NOT_A_DRAFT');
    expect(codeOf(() => approveVersion(approved(), 'carol', at('2026-12-03T00:00:00+08:00')))).toBe('RULEBOOK.NOT_A_DRAFT');
  });

  it('is announced the lead time before its date: announceAt = effectiveFrom − leadTime, at Shanghai midnight', () => {
    expect(announceAt(draft())).toEqual(at('2026-12-25T00:00:00+08:00'));
    expect(announceAt(draft({ leadTimeDays: 0 }))).toEqual(at('2027-01-01T00:00:00+08:00'));
    const v = approved();
    expect(announcementDue(v, at('2026-12-24T23:59:59+08:00'))).toBe(false);
    expect(announcementDue(v, at('2026-12-25T00:00:00+08:00'))).toBe(true);
    expect(announcementDue(draft(), at('2026-12-26T00:00:00+08:00'))).toBe(false);
    const announced = announceVersion(v, at('2026-12-25T00:00:00+08:00'));
    expect(announced).toMatchObject({ status: 'ANNOUNCED', announcedAt: at('2026-12-25T00:00:00+08:00') });
    expect(announcementDue(announced, at('2026-12-26T00:00:00+08:00'))).toBe(false);
    expect(codeOf(() => announceVersion(draft(), at('2026-12-25T00:00:00+08:00')))).toBe('RULEBOOK.NOT_APPROVED');
    expect(codeOf(() => announceVersion(announced, at('2026-12-26T00:00:00+08:00')))).toBe('RULEBOOK.NOT_APPROVED');
  });

  it('comes into force by the clock passing its effective date, and is then immutable', () => {
    const announced = announceVersion(approved(), at('2026-12-25T00:00:00+08:00'));
    expect(versionStatusAt(announced, at('2026-12-31T23:59:59.999+08:00'))).toBe('ANNOUNCED');
    expect(versionStatusAt(announced, at('2027-01-01T00:00:00+08:00'))).toBe('IN_FORCE');
    expect(versionStatusAt(approved(), at('2027-01-01T00:00:00+08:00'))).toBe('IN_FORCE');
    expect(versionStatusAt(draft(), at('2027-06-01T00:00:00+08:00'))).toBe('DRAFT');
    const now = at('2027-01-01T00:00:00+08:00');
    expect(codeOf(() => withdrawVersion(announced, 'bob', 'too late', now))).toBe('RULEBOOK.IN_FORCE_IMMUTABLE');
    expect(codeOf(() => reviseDraft(announced, { leadTimeDays: 1 }, 'alice', now))).toBe('RULEBOOK.IN_FORCE_IMMUTABLE');
    expect(codeOf(() => announceVersion(approved(), now))).toBe('RULEBOOK.IN_FORCE_IMMUTABLE');
    expect(recordInForce(announced, now)).toMatchObject({ status: 'IN_FORCE' });
    expect(codeOf(() => recordInForce(announced, at('2026-12-31T00:00:00+08:00')))).toBe('RULEBOOK.NOT_APPROVED');
    expect(codeOf(() => recordInForce(draft(), now))).toBe('RULEBOOK.NOT_APPROVED');
  });

  it('withdraws a draft, an approved or an announced version (with a reason), once', () => {
    const now = at('2026-12-26T00:00:00+08:00');
    for (const v of [draft(), approved(), announceVersion(approved(), at('2026-12-25T00:00:00+08:00'))]) {
      const withdrawn = withdrawVersion(v, 'bob', 'the marketplace postponed it', now);
      expect(withdrawn).toMatchObject({ status: 'WITHDRAWN', withdrawnBy: 'bob', withdrawnAt: now, withdrawalReason: 'the marketplace postponed it' });
      expect(versionStatusAt(withdrawn, at('2027-02-01T00:00:00+08:00'))).toBe('WITHDRAWN');
      expect(codeOf(() => withdrawVersion(withdrawn, 'bob', 'again', now))).toBe('RULEBOOK.ALREADY_WITHDRAWN');
      expect(codeOf(() => approveVersion(withdrawn, 'carol', now))).toBe('RULEBOOK.NOT_A_DRAFT');
    }
    expect(codeOf(() => withdrawVersion(draft(), 'bob', '', now))).toBe('RULEBOOK.INVALID_VERSION');
  });

  it('never shares rule data objects with the caller: changing the input later changes no version', () => {
    const input = structuredClone(base);
    const v = draft({ ruleData: input });
    input.ladders.SERIOUS[0].node = 11;
    expect(v.ruleData.ladders.SERIOUS[0].node).toBe(12);
    expect(contentHashOf(v.ruleData)).toBe(v.contentHash);
  });
});
