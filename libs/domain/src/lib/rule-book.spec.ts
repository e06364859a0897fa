import { RuleBook } from './rule-book';
import { applyRuleOverrides } from './rule-overrides';
import { RULE_SETS, SERIOUS_LADDER } from './rule-sets.data';
import { ruleDataOf } from './rulebook/rule-data';
import { approveVersion, draftVersion, withdrawVersion } from './rulebook/rulebook-version';

describe('RuleBook', () => {
  const book = new RuleBook();

  it('answers the version in force at an instant (forgery rule change 2022-06-27 Asia/Shanghai)', () => {
    expect(book.at(new Date('2022-06-26T23:59:59.999+08:00')).version).toBe('2019');
    expect(book.at(new Date('2022-06-27T00:00:00+08:00')).version).toBe('2022-06-27');
  });

  it('finds a version by name', () => {
    expect(book.ofVersion('2019').version).toBe('2019');
    expect(book.ofVersion('2022-06-27').version).toBe('2022-06-27');
  });

  it('refuses an unknown version loudly instead of falling back to the one in force', () => {
    expect(() => book.ofVersion('no-such')).toThrow(expect.objectContaining({ code: 'RULES.UNKNOWN_VERSION', retriable: false }));
    expect(() => book.ofVersion('')).toThrow(/Unknown rule version ""/);
  });

  it('applies operator overrides to every version, replacing only the ladders given', () => {
    const generalLadder = [{ ...SERIOUS_LADDER[0], node: 2 }];
    const ruleSets = applyRuleOverrides(RULE_SETS, { ladders: { GENERAL: generalLadder }, appealWindowDays: 10 });
    for (const ruleSet of ruleSets) {
      expect(ruleSet.ladders.GENERAL).toEqual(generalLadder);
      expect(ruleSet.ladders.SERIOUS).toBe(SERIOUS_LADDER);
      expect(ruleSet.appealWindowDays).toBe(10);
    }
    expect(ruleSets.map((r) => r.forgery.kind)).toEqual(['CLEAR_OUT', 'REMEDIATION']);
    expect(RULE_SETS[0].ladders.GENERAL).toEqual([]);
  });

  describe('per marketplace, learning versions at run time (section 9)', () => {
    const decided = new Date('2026-10-01T00:00:00Z');
    const version = (marketplace: string, versionId: string, effectiveFrom: string, edit: (d: ReturnType<typeof ruleDataOf>) => void = () => undefined) => {
      const ruleData = structuredClone(ruleDataOf(RULE_SETS[1]));
      edit(ruleData);
      // Drafted and approved a month before it takes effect.
      const before = new Date(Date.parse(`${effectiveFrom}T00:00:00+08:00`) - 30 * 86_400_000);
      return approveVersion(draftVersion({ marketplace, versionId, effectiveFrom, ruleData, author: 'alice', now: before }), 'carol', before);
    };

    it('starts every marketplace with the built-in versions, named by marketplace and content hash', () => {
      const rules = new RuleBook();
      const global = rules.at(new Date('2026-11-01T00:00:00+08:00'), 'tmall-global');
      expect([global.version, global.marketplace, global.contentHash]).toEqual(['2022-06-27', 'tmall-global', rules.at(new Date('2026-11-01T00:00:00+08:00')).contentHash]);
      expect(rules.defaultMarketplace).toBe('tmall');
    });

    it('applies a learned version from its date in its marketplace only, and stops applying it once withdrawn', () => {
      const rules = new RuleBook();
      const v = version('tmall-global', 'g-2026-12', '2026-12-01', (d) => (d.appealWindowDays = 20));
      rules.learn(v);
      expect(rules.at(new Date('2026-11-30T23:59:00+08:00'), 'tmall-global').version).toBe('2022-06-27');
      expect(rules.at(new Date('2026-12-01T00:00:00+08:00'), 'tmall-global')).toMatchObject({ version: 'g-2026-12', appealWindowDays: 20, contentHash: v.contentHash });
      expect(rules.at(new Date('2026-12-01T00:00:00+08:00')).version).toBe('2022-06-27');
      expect(rules.knows({ version: 'g-2026-12', marketplace: 'tmall-global' })).toBe(true);
      expect(rules.knows({ version: 'g-2026-12', marketplace: 'tmall' })).toBe(false);
      rules.learn(withdrawVersion(v, 'carol', 'mistake', decided));
      expect(rules.at(new Date('2026-12-02T00:00:00+08:00'), 'tmall-global').version).toBe('2022-06-27');
      expect(() => rules.ofVersion('g-2026-12', 'tmall-global')).toThrow(expect.objectContaining({ code: 'RULES.UNKNOWN_VERSION' }));
    });

    it('replaces a built-in version by what the store says of it, and refuses a second applicable version from one date', () => {
      const rules = new RuleBook();
      const stored = { ...version('tmall', '2022-06-27', '2022-06-27', (d) => (d.appealWindowDays = 9)), status: 'IN_FORCE' as const };
      rules.learn(stored);
      expect(rules.ofVersion('2022-06-27').appealWindowDays).toBe(9);
      expect(() => rules.learn(version('tmall', 'clash', '2022-06-27'))).toThrow(expect.objectContaining({ code: 'RULEBOOK.CONFLICTING_VERSIONS' }));
      expect(rules.ofVersion('2022-06-27').appealWindowDays).toBe(9);
      expect(rules.knows({ version: 'clash', marketplace: 'tmall' })).toBe(false);
    });
  });
});
