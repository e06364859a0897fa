import { Topics } from '@penalty/contracts';
import { FixedClock, RULE_SETS, ruleDataOf, seedVersions } from '@penalty/domain';
import { MarketplaceConfig, ProblemException } from '@penalty/runtime';
import { HandlerTestbed } from '@penalty/testing';
import { RulebookVersions1764900100000 } from '../rulebook-versions.migration';
import { RulebookVersionsRepository } from '../rulebook-versions.repository';
import { RulebookVersionsHandler } from './rulebook-versions.handler';

const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error & { code?: string; status?: number; errors?: { field: string; message: string }[] });

/**
 * The rulebook store on a real PostgreSQL: a marketplace starts with the built-in versions (with the
 * deployment's RULE_OVERRIDES); operators draft, edit, approve with four eyes and withdraw, each step
 * audited; a version in force never changes; two approvals never make two versions applicable from
 * one date, even at once.
 */
describe('rulebook versions (real PostgreSQL)', () => {
  const clock = new FixedClock('2026-12-01T10:00:00+08:00');
  const testbed = new HandlerTestbed({ schema: 'api', migrations: [RulebookVersions1764900100000], topics: [Topics.RulesVersionsV1], clock });
  const repository = new RulebookVersionsRepository();
  const overrides = { appealWindowDays: 10 };
  let handler: RulebookVersionsHandler;
  const data2022 = () => structuredClone(ruleDataOf(RULE_SETS[1]));

  beforeAll(async () => {
    await testbed.start(2);
    handler = new RulebookVersionsHandler(testbed.replicas[0].runner, repository, clock, Object.assign(new MarketplaceConfig(), { DEFAULT_MARKETPLACE: 'tmall' }), overrides);
    await handler.onApplicationBootstrap();
  }, 120_000);
  afterAll(() => testbed.stop());

  const stored = (marketplace: string) => repository.ofMarketplace({ query: (sql, params) => testbed.dataSource.query(sql, params) }, marketplace);
  const published = (key: string) => testbed.published(Topics.RulesVersionsV1, 'rulebook-version.updated.v1').filter((e) => e.subject === key).map((e) => e.data);
  const audit = (subjectId: string) => testbed.rows<{ actor: string; action: string; reason: string }>('SELECT actor, action, reason FROM audit_entry WHERE subject_id = $1 ORDER BY id', [subjectId]);

  it('seeds the default marketplace once with the built-in versions and the overrides, hashed', async () => {
    await handler.onApplicationBootstrap();
    const versions = await stored('tmall');
    const seeds = seedVersions({ marketplace: 'tmall', overrides });
    expect(versions.map((v) => [v.versionId, v.status, v.origin, v.contentHash])).toEqual(seeds.map((s) => [s.versionId, 'IN_FORCE', 'SEED', s.contentHash]));
    expect(versions[1].ruleData.appealWindowDays).toBe(10);
  });

  it('drafts from the version in force, edits, and is approved by another admin only; every step is audited', async () => {
    const draft = await handler.draft('tmall', { versionId: '2027-01-01', effectiveFrom: '2027-01-01', basedOn: '2022-06-27' }, 'alice');
    expect(draft).toMatchObject({ status: 'DRAFT', author: 'alice', basedOn: '2022-06-27', effectiveAt: '2027-01-01T00:00:00+08:00', announceAt: '2026-12-25T00:00:00+08:00' });
    const ruleData = data2022();
    ruleData.appealWindowDays = 20;
    const edited = await handler.revise('tmall', '2027-01-01', { ruleData: ruleData as never }, 'bob');
    expect(edited.contentHash).not.toBe(draft.contentHash);
    expect(edited.contributors).toEqual(['bob']);
    // Neither the author nor an editor may approve it.
    for (const approver of ['alice', 'bob']) expect(await refusal(handler.approve('tmall', '2027-01-01', approver))).toMatchObject({ code: 'RULEBOOK.FOUR_EYES' });
    const approved = await handler.approve('tmall', '2027-01-01', 'carol');
    expect(approved).toMatchObject({ status: 'APPROVED', approver: 'carol' });
    // Approved: no longer editable.
    expect(await refusal(handler.revise('tmall', '2027-01-01', { leadTimeDays: 3 }, 'alice'))).toMatchObject({ code: 'RULEBOOK.NOT_A_DRAFT' });
    expect((await audit('tmall/2027-01-01')).map((a) => [a.actor, a.action])).toEqual([
      ['alice', 'RULEBOOK.DRAFT'],
      ['bob', 'RULEBOOK.REVISE'],
      ['carol', 'RULEBOOK.APPROVE'],
    ]);
  });

  it('refuses invalid rule data with a problem naming each field', async () => {
    const ruleData = data2022() as any;
    ruleData.appealWindowDays = 0;
    ruleData.ladders.SERIOUS[1].node = 6;
    const problem = await refusal(handler.draft('tmall', { versionId: 'bad', effectiveFrom: '2027-02-01', ruleData }, 'alice'));
    expect(problem).toBeInstanceOf(ProblemException);
    expect(problem?.status).toBe(400);
    const fields = problem?.errors?.map((e) => e.field) ?? [];
    expect(fields).toContain('ruleData.appealWindowDays');
    expect(fields.some((f) => f.startsWith('ruleData.ladders.SERIOUS'))).toBe(true);
    expect(await stored('tmall')).not.toContainEqual(expect.objectContaining({ versionId: 'bad' }));
  });

  it('never changes a version in force, and refuses a second applicable version from the same date', async () => {
    expect(await refusal(handler.withdraw('tmall', '2022-06-27', { reason: 'try' }, 'alice'))).toMatchObject({ code: 'RULEBOOK.IN_FORCE_IMMUTABLE' });
    expect(await refusal(handler.revise('tmall', '2019', { leadTimeDays: 1 }, 'alice'))).toMatchObject({ code: 'RULEBOOK.IN_FORCE_IMMUTABLE' });
    await handler.draft('tmall', { versionId: 'same-day', effectiveFrom: '2027-01-01', basedOn: '2022-06-27' }, 'alice');
    expect(await refusal(handler.approve('tmall', 'same-day', 'carol'))).toMatchObject({ code: 'RULEBOOK.CONFLICTING_VERSIONS' });
    expect(await refusal(handler.draft('tmall', { versionId: 'same-day', effectiveFrom: '2027-03-01', basedOn: '2019' }, 'alice'))).toMatchObject({ code: 'RULEBOOK.CONFLICTING_VERSIONS' });
    expect(await refusal(handler.draft('tmall', { versionId: 'no-base', effectiveFrom: '2027-03-01', basedOn: 'nope' }, 'alice'))).toMatchObject({ code: 'RULEBOOK.VERSION_NOT_FOUND', status: 404 });
  });

  it('approves at most one of two drafts for one date approved at once by two replicas', async () => {
    await handler.draft('tmall', { versionId: 'race-a', effectiveFrom: '2027-05-01', basedOn: '2022-06-27' }, 'alice');
    await handler.draft('tmall', { versionId: 'race-b', effectiveFrom: '2027-05-01', basedOn: '2019' }, 'alice');
    const other = new RulebookVersionsHandler(testbed.replicas[1].runner, repository, clock, new MarketplaceConfig(), overrides);
    const results = await Promise.all([refusal(handler.approve('tmall', 'race-a', 'carol')), refusal(other.approve('tmall', 'race-b', 'dave'))]);
    expect(results.filter((r) => r === undefined)).toHaveLength(1);
    expect(results.find((r) => r !== undefined)).toMatchObject({ code: 'RULEBOOK.CONFLICTING_VERSIONS' });
  });

  it('publishes every version the services are to know on rules.versions.v1, keyed <marketplace>/<versionId>, never a draft', async () => {
    // The seeds, at each boot (twice here: once per bootstrap).
    await testbed.recorder.waitFor((m) => m.key === 'tmall/2022-06-27', 2);
    expect(published('tmall/2022-06-27')[0]).toMatchObject({ marketplace: 'tmall', versionId: '2022-06-27', status: 'IN_FORCE', origin: 'SEED', contentHash: seedVersions({ marketplace: 'tmall', overrides })[1].contentHash });
    await handler.draft('tmall', { versionId: 'published', effectiveFrom: '2027-04-01', basedOn: '2022-06-27' }, 'alice');
    await handler.revise('tmall', 'published', { leadTimeDays: 3 }, 'alice');
    const approved = await handler.approve('tmall', 'published', 'carol');
    await testbed.recorder.waitFor((m) => m.key === 'tmall/published');
    expect(published('tmall/published')).toEqual([expect.objectContaining({ status: 'APPROVED', approver: 'carol', leadTimeDays: 3, contentHash: approved.contentHash, effectiveFrom: '2027-04-01' })]);
    expect(published('tmall/published')[0].ruleData).toEqual(approved.ruleData);
  });

  it('withdraws an approved version before its date (it never applies) with the reason audited', async () => {
    await handler.draft('tmall', { versionId: '2027-06-01', effectiveFrom: '2027-06-01', basedOn: '2022-06-27' }, 'alice');
    await handler.approve('tmall', '2027-06-01', 'carol');
    const withdrawn = await handler.withdraw('tmall', '2027-06-01', { reason: 'announced by mistake' }, 'carol');
    expect(withdrawn).toMatchObject({ status: 'WITHDRAWN', withdrawnBy: 'carol', withdrawalReason: 'announced by mistake' });
    expect((await audit('tmall/2027-06-01')).at(-1)).toEqual({ actor: 'carol', action: 'RULEBOOK.WITHDRAW', reason: 'announced by mistake' });
    expect(await refusal(handler.withdraw('tmall', '2027-06-01', { reason: 'again' }, 'carol'))).toMatchObject({ code: 'RULEBOOK.ALREADY_WITHDRAWN' });
    // The services learn both states, in order.
    await testbed.recorder.waitFor((m) => m.key === 'tmall/2027-06-01', 2);
    expect(published('tmall/2027-06-01').map((v) => v.status)).toEqual(['APPROVED', 'WITHDRAWN']);
  });

  it('starts a new marketplace with the built-in versions on its first draft: one merchant id on two marketplaces, two rulebooks', async () => {
    const ruleData = data2022();
    ruleData.ladders.SERIOUS = ruleData.ladders.SERIOUS.filter((step) => step.node !== 12);
    await handler.draft('tmall-global', { versionId: 'global-2027', effectiveFrom: '2027-01-01', ruleData }, 'alice');
    expect((await stored('tmall-global')).map((v) => [v.versionId, v.status])).toEqual([
      ['2019', 'IN_FORCE'],
      ['2022-06-27', 'IN_FORCE'],
      ['global-2027', 'DRAFT'],
    ]);
    expect((await stored('tmall')).map((v) => v.versionId)).not.toContain('global-2027');
  });
});
