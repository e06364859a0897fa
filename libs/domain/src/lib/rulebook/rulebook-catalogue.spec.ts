import { assessViolations } from '../assess-violations';
import { codeOf } from '../domain-error.testing';
import { RULE_SETS, SERIOUS_LADDER } from '../rule-sets.data';
import { contentHashOf } from './canonical-json';
import { ruleDataOf } from './rule-data';
import { RulebookCatalogue } from './rulebook-catalogue';
import { DEFAULT_MARKETPLACE, seedVersions } from './rulebook-seed';
import { announceVersion, approveVersion, draftVersion, withdrawVersion } from './rulebook-version';

const at = (iso: string) => new Date(iso);

describe('seedVersions', () => {
  it('makes the built-in versions 2019 and 2022-06-27 in force for the default marketplace', () => {
    const seeds = seedVersions({});
    expect(seeds.map((v) => [v.marketplace, v.versionId, v.effectiveFrom, v.status, v.origin])).toEqual([
      [DEFAULT_MARKETPLACE, '2019', '1970-01-01', 'IN_FORCE', 'SEED'],
      [DEFAULT_MARKETPLACE, '2022-06-27', '2022-06-27', 'IN_FORCE', 'SEED'],
    ]);
    expect(seeds.map((v) => v.contentHash)).toEqual(RULE_SETS.map((r) => contentHashOf(ruleDataOf(r))));
    expect(seeds[0].ruleData.forgery.kind).toBe('CLEAR_OUT');
    expect(seeds[1].ruleData.forgery.kind).toBe('REMEDIATION');
  });

  it('applies RULE_OVERRIDES to every seed version as the services do: same names, new content hashes', () => {
    const generalLadder = [{ ...SERIOUS_LADDER[0], node: 6 }];
    const plain = seedVersions({ marketplace: 'tmall-global' });
    const overridden = seedVersions({ marketplace: 'tmall-global', overrides: { appealWindowDays: 10, ladders: { GENERAL: generalLadder } } });
    expect(overridden.map((v) => v.versionId)).toEqual(['2019', '2022-06-27']);
    for (const [i, v] of overridden.entries()) {
      expect(v.ruleData.appealWindowDays).toBe(10);
      expect(v.ruleData.ladders).toEqual({ GENERAL: generalLadder, SERIOUS: SERIOUS_LADDER });
      expect(v.contentHash).not.toBe(plain[i].contentHash);
      expect(v.contentHash).toBe(contentHashOf(v.ruleData));
    }
  });

  it('refuses overrides that make the rule data invalid, naming the field', () => {
    expect(() => seedVersions({ overrides: { ladders: { SERIOUS: [{ ...SERIOUS_LADDER[1] }, { ...SERIOUS_LADDER[0] }] } } })).toThrow(/ladders\.SERIOUS\[1\]\.node/);
    expect(codeOf(() => seedVersions({ overrides: { depositTopUpDays: 0 } }))).toBe('RULEBOOK.INVALID_RULE_DATA');
    expect(codeOf(() => seedVersions({ marketplace: 'Tmall Global' }))).toBe('RULEBOOK.INVALID_VERSION');
  });
});

describe('RulebookCatalogue', () => {
  const seeds = seedVersions({ marketplace: 'tmall' });

  it('resolves at Asia/Shanghai midnight: 2022-06-26T23:59+08:00 and 2022-06-27T00:00+08:00 fall under different versions', () => {
    const catalogue = new RulebookCatalogue(seeds);
    expect(catalogue.versionAt('tmall', at('2022-06-26T23:59:00+08:00')).versionId).toBe('2019');
    expect(catalogue.versionAt('tmall', at('2022-06-26T23:59:59.999+08:00')).versionId).toBe('2019');
    expect(catalogue.versionAt('tmall', at('2022-06-27T00:00:00+08:00')).versionId).toBe('2022-06-27');
    // the same instants in UTC: the boundary is 2022-06-26T16:00Z, whatever the process time zone
    expect(catalogue.versionAt('tmall', at('2022-06-26T15:59:59.999Z')).versionId).toBe('2019');
    expect(catalogue.ruleSetAt('tmall', at('2022-06-26T16:00:00Z'))).toMatchObject({ version: '2022-06-27', marketplace: 'tmall', contentHash: seeds[1].contentHash });
  });

  it('judges violations through a marketplace resolver, as assessViolations takes one', () => {
    const catalogue = new RulebookCatalogue(seeds);
    const { outcomes } = assessViolations(
      [
        { violationId: 'v1', merchantId: 'm1', code: 'FRAUD', severity: 'STANDARD', occurredAt: at('2022-06-26T23:59:00+08:00') },
        { violationId: 'v2', merchantId: 'm1', code: 'FRAUD', severity: 'STANDARD', occurredAt: at('2022-06-27T00:00:00+08:00') },
      ],
      { knownViolations: new Set(), totals: new Map(), scenariosSeen: new Set() },
      catalogue.resolverFor('tmall'),
    );
    expect(outcomes.map((o) => (o.kind === 'ASSESSED' ? o.assessment.ruleVersion : o.kind))).toEqual(['2019', '2022-06-27']);
  });

  it('applies approved and announced versions from their date; never a draft; a version withdrawn before its date never applies', () => {
    const data = { ...ruleDataOf(RULE_SETS[1]), appealWindowDays: 20 };
    const d = (versionId: string, effectiveFrom: string) => draftVersion({ marketplace: 'tmall', versionId, effectiveFrom, ruleData: data, author: 'alice', now: at('2026-01-01T00:00:00+08:00') });
    const approved = approveVersion(d('2026-03-01', '2026-03-01'), 'bob', at('2026-01-02T00:00:00+08:00'));
    const announced = announceVersion(approveVersion(d('2026-06-01', '2026-06-01'), 'bob', at('2026-01-02T00:00:00+08:00')), at('2026-05-25T00:00:00+08:00'));
    const withdrawn = withdrawVersion(approveVersion(d('2026-09-01', '2026-09-01'), 'bob', at('2026-01-02T00:00:00+08:00')), 'bob', 'postponed', at('2026-08-01T00:00:00+08:00'));
    const draftOnly = d('2026-12-01', '2026-12-01');
    const catalogue = new RulebookCatalogue([...seeds, approved, announced, withdrawn, draftOnly]);
    expect(catalogue.versionsOf('tmall').map((v) => v.versionId)).toEqual(['2019', '2022-06-27', '2026-03-01', '2026-06-01']);
    expect(catalogue.versionAt('tmall', at('2026-02-28T23:59:59+08:00')).versionId).toBe('2022-06-27');
    expect(catalogue.versionAt('tmall', at('2026-03-01T00:00:00+08:00')).versionId).toBe('2026-03-01');
    expect(catalogue.versionAt('tmall', at('2026-06-01T00:00:00+08:00')).versionId).toBe('2026-06-01');
    expect(catalogue.versionAt('tmall', at('2026-09-15T00:00:00+08:00')).versionId).toBe('2026-06-01');
    expect(catalogue.versionAt('tmall', at('2026-12-15T00:00:00+08:00')).versionId).toBe('2026-06-01');
    expect(codeOf(() => catalogue.ofVersion('tmall', '2026-09-01'))).toBe('RULEBOOK.UNKNOWN_VERSION');
    expect(catalogue.ofVersion('tmall', '2026-03-01').ruleData.appealWindowDays).toBe(20);
  });

  it('keeps one rulebook per marketplace', () => {
    const global = seedVersions({ marketplace: 'tmall-global', overrides: { appealWindowDays: 9 } });
    const catalogue = new RulebookCatalogue([...seeds, ...global]);
    expect(catalogue.marketplaces()).toEqual(['tmall', 'tmall-global']);
    expect(catalogue.ruleSetAt('tmall', at('2023-01-01T00:00:00+08:00')).appealWindowDays).toBe(15);
    expect(catalogue.ruleSetAt('tmall-global', at('2023-01-01T00:00:00+08:00')).appealWindowDays).toBe(9);
    expect(codeOf(() => catalogue.versionAt('taobao', at('2023-01-01T00:00:00+08:00')))).toBe('RULEBOOK.UNKNOWN_MARKETPLACE');
    expect(codeOf(() => catalogue.resolverFor('taobao'))).toBe('RULEBOOK.UNKNOWN_MARKETPLACE');
  });

  it('refuses two applicable versions of one marketplace on one date or under one id, and answers nothing before the first', () => {
    const clash = { ...seeds[1], versionId: 'other' };
    expect(codeOf(() => new RulebookCatalogue([...seeds, clash]))).toBe('RULEBOOK.CONFLICTING_VERSIONS');
    expect(codeOf(() => new RulebookCatalogue([...seeds, { ...seeds[1], effectiveFrom: '2023-01-01' }]))).toBe('RULEBOOK.CONFLICTING_VERSIONS');
    expect(() => new RulebookCatalogue([...seeds, { ...clash, status: 'WITHDRAWN' }])).not.toThrow();
    const late = new RulebookCatalogue([seeds[1]]);
    expect(codeOf(() => late.versionAt('tmall', at('2022-06-26T23:59:00+08:00')))).toBe('RULEBOOK.NO_VERSION_IN_FORCE');
  });
});
