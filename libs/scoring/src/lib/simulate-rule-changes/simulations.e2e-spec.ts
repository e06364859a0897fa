import { Topics } from '@penalty/contracts';
import { FixedClock, RULE_SETS, RuleBook, ruleDataOf } from '@penalty/domain';
import { ALWAYS_CURRENT } from '@penalty/messaging';
import { ProblemException } from '@penalty/runtime';
import { aMerchantId, aViolationEvent, HandlerTestbed } from '@penalty/testing';
import { AssessViolationsHandler } from '../assess-violations/assess-violations.handler';
import { SimulationRunner } from './simulation-runner';
import { SimulationRepository } from './simulation.repository';
import { SimulationsController } from './simulations.controller';
import { scoringTestbedOptions } from '../../testing/scoring-testbed';

/**
 * Simulating a rule change over stored history (rulebook section 9.2) on a real PostgreSQL, as a
 * background run: the source's own change, 2022-06-27, replayed as a draft over the forgeries of the
 * first half of 2022 (judged then by the 2019 rule) shows the merchants who would have been fined
 * instead of cleared out; the run reports progress, keeps its report, and changes nothing else.
 */
describe('simulating a draft over stored violations (real PostgreSQL)', () => {
  const clock = new FixedClock('2022-06-21T10:00:00+08:00');
  const testbed = new HandlerTestbed(scoringTestbedOptions(clock));
  const rules = new RuleBook();
  let controller: SimulationsController;
  let runner: SimulationRunner;

  beforeAll(async () => {
    await testbed.start(1);
    const repository = new SimulationRepository();
    runner = new SimulationRunner(testbed.dataSource, repository, rules, clock, ALWAYS_CURRENT);
    controller = new SimulationsController(testbed.dataSource, repository, runner, clock);
    runner.onApplicationBootstrap();
  }, 120_000);
  afterAll(async () => {
    await runner?.onApplicationShutdown();
    await testbed.stop();
  });

  const waitUntilDone = async (runId: string) => {
    for (let i = 0; i < 300; i++) {
      const run = await controller.get(runId);
      if (run.status === 'DONE' || run.status === 'FAILED') return run;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`simulation ${runId} did not finish`);
  };

  it("replays 2022-06-27's forgery rule over 2022's first half: first, non-severe cases fined instead of cleared out; nothing else changes", async () => {
    const assess = new AssessViolationsHandler(clock, rules);
    const forger = (severity: 'STANDARD' | 'SEVERE') => aViolationEvent({ merchantId: aMerchantId(`forger-${severity}`), code: 'QUALIFICATION_FORGERY', severity, occurredAt: '2022-03-01T10:00:00+08:00' });
    const [fined1, fined2, severe] = [forger('STANDARD'), forger('STANDARD'), forger('SEVERE')];
    const counterfeit = aViolationEvent({ merchantId: aMerchantId('counterfeit'), occurredAt: '2022-04-01T10:00:00+08:00' });
    await testbed.replicas[0].inbox.apply(testbed.batch(Topics.ViolationsDetectedV1, [fined1, fined2, severe, counterfeit]), (b) => assess.handle(b));
    // Everything the assessments published is in before the simulation starts.
    await testbed.waitForPublished(Topics.PenaltiesAssessedV1, 'penalty.assessed.v1', 4);
    const messagesBefore = testbed.recorder.messages.length;
    const [{ rows: violationsBefore }] = await testbed.rows<{ rows: number }>('SELECT count(*)::int AS rows FROM violation');

    const requested = await controller.request(
      { marketplace: 'tmall', draftVersion: 'forgery-2022', ruleData: ruleDataOf(RULE_SETS[1]), from: '2022-01-01T00:00:00+08:00', to: '2022-06-27T00:00:00+08:00' },
      'alice',
    );
    expect(requested).toMatchObject({ status: 'QUEUED', requestedBy: 'alice', draftVersion: 'forgery-2022' });
    const run = await waitUntilDone(requested.runId);
    expect(run).toMatchObject({ status: 'DONE', progress: 1, error: null });
    const report = run.report as Record<string, any>;
    expect(report).toMatchObject({ marketplace: 'tmall', draftVersion: 'forgery-2022', violations: 4 });
    expect(report.forgery).toMatchObject({ cases: 3, clearedOutBefore: 3, clearedOutAfter: 1, finedInsteadOfClearedOut: 2 });
    const changed = (report.differences as { merchantId: string }[]).map((d) => d.merchantId).sort();
    expect(changed).toEqual([fined1.data.merchantId, fined2.data.merchantId].sort());
    expect(report.differencesTotal).toBe(2);
    expect((report.sample as { violationId: string; reason: string }[]).map((s) => s.violationId).sort()).toEqual([fined1.data.violationId, fined2.data.violationId].sort());

    // Read-only: nothing published, no decision changed.
    await new Promise((r) => setTimeout(r, 300));
    expect(testbed.recorder.messages.length).toBe(messagesBefore);
    expect(await testbed.rows('SELECT count(*)::int AS rows FROM violation')).toEqual([{ rows: violationsBefore }]);
    expect((await controller.list({})).items.map((i) => i.runId)).toContain(requested.runId);
    expect((await controller.list({ marketplace: 'tmall', draftVersion: 'forgery-2022' })).items.map((i) => i.runId)).toEqual([requested.runId]);
    expect((await controller.list({ draftVersion: 'another-draft' })).items).toEqual([]);

    // Its merchants page by page, sorted by the change of their fines (both fined the same: by id).
    const ids = [fined1.data.merchantId, fined2.data.merchantId].sort();
    const first = await controller.merchants(requested.runId, { sort: 'fines', order: 'desc', limit: '1', offset: '0' });
    expect({ ...first, items: first.items.map((i) => i.merchantId) }).toEqual({ items: [ids[0]], total: 2, kept: 2, limit: 1, offset: 0 });
    expect((await controller.merchants(requested.runId, { limit: '1', offset: '1' })).items.map((i) => i.merchantId)).toEqual([ids[1]]);
    expect((await controller.merchants(requested.runId, { order: 'desc' })).items.map((i) => i.merchantId)).toEqual([...ids].reverse());
    const row = (await controller.merchants(requested.runId, {})).items[0] as { before: { finesFen: number }; after: { finesFen: number } };
    expect(row.after.finesFen).toBeGreaterThan(row.before.finesFen);
  });

  it('refuses invalid rule data naming each field, and a period that ends before it starts', async () => {
    const ruleData = structuredClone(ruleDataOf(RULE_SETS[1])) as any;
    ruleData.appealWindowDays = -1;
    const bad = await controller.request({ marketplace: 'tmall', draftVersion: 'bad', ruleData, from: '2022-01-01T00:00:00+08:00', to: '2022-06-27T00:00:00+08:00' }, 'alice').catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ProblemException);
    expect((bad as ProblemException).errors?.map((e) => e.field)).toContain('ruleData.appealWindowDays');
    const backwards = await controller.request({ marketplace: 'tmall', draftVersion: 'x', ruleData: ruleDataOf(RULE_SETS[1]), from: '2022-06-27T00:00:00+08:00', to: '2022-01-01T00:00:00+08:00' }, 'alice').catch((e: unknown) => e);
    expect((backwards as ProblemException).errors).toEqual([{ field: 'to', message: 'must be after from' }]);
    expect(await controller.get('00000000-0000-4000-8000-000000000000').catch((e: unknown) => e)).toMatchObject({ status: 404, code: 'SIMULATION.NOT_FOUND' });
    expect(await controller.merchants('00000000-0000-4000-8000-000000000000', {}).catch((e: unknown) => e)).toMatchObject({ status: 404, code: 'SIMULATION.NOT_FOUND' });
    // Bad paging and filters are a 400 naming each parameter, never a 500.
    const queued = await controller.request({ marketplace: 'tmall', draftVersion: 'x', ruleData: ruleDataOf(RULE_SETS[1]), from: '2022-01-01T00:00:00+08:00', to: '2022-06-27T00:00:00+08:00' }, 'alice');
    const badPage = await controller.merchants(queued.runId, { limit: '0', offset: '-1', sort: 'points', order: 'up' }).catch((e: unknown) => e);
    expect((badPage as ProblemException).errors?.map((e) => e.field).sort()).toEqual(['limit', 'offset', 'order', 'sort']);
    expect(((await controller.list({ marketplace: 'Tmall!', draftVersion: ' ' }).catch((e: unknown) => e)) as ProblemException).errors?.map((e) => e.field)).toEqual(['marketplace', 'draftVersion']);
    expect(await controller.merchants(queued.runId, { limit: 'many' }).catch((e: unknown) => e)).toMatchObject({ status: 400 });
  });
});
