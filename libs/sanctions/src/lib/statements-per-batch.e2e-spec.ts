import { Topics } from '@penalty/contracts';
import { aProfileEvent, aViolationEvent, HandlerTestbed } from '@penalty/testing';
import { aPenaltyEvent, sanctionHandlers, SANCTION_SCHEMA_MIGRATIONS, StatementCounter, TestClock } from '../testing/sanction-test-bed';

/**
 * What a consumed batch costs in round trips to PostgreSQL, whole transaction included (lanes and
 * BEGIN, processed ids, reads, writes, outbox, COMMIT, publication): a constant per batch, not a
 * number per event or per sanction. The figures are printed for the record.
 * Before the batch handlers, the same batches took 205, 204, 1155, 405 and 155 statements.
 */
describe('statements per consumed batch (real PostgreSQL)', () => {
  const clock = new TestClock(new Date('2026-11-23T10:00:00+08:00'));
  const testbed = new HandlerTestbed({ schema: 'sanction', migrations: SANCTION_SCHEMA_MIGRATIONS, topics: [Topics.PenaltiesAssessedV1, Topics.MerchantsProfilesV1, Topics.ViolationsDetectedV1, Topics.SanctionsDecidedV1, Topics.RemediesUpdatedV1], clock });
  let handlers: ReturnType<typeof sanctionHandlers>;
  const merchants = Array.from({ length: 50 }, (_, i) => `count-${i}`);

  beforeAll(async () => {
    await testbed.start(1);
    handlers = sanctionHandlers(testbed.replicas[0], clock);
  }, 120_000);
  afterAll(() => testbed.stop());

  const measure = async (topic: string, events: object[], handle: (b: Parameters<typeof handlers.ladder.handle>[0]) => Promise<void>) => {
    const batch = testbed.batch(topic, events);
    const { statements } = await StatementCounter.measure(() => testbed.replicas[0].inbox.apply(batch, handle));
    if (process.env.PRINT_STATEMENTS) console.log(statements.join('\n'));
    return statements;
  };

  it('costs a constant number of statements per batch, whatever its size', async () => {
    const figures: Record<string, number> = {};
    figures['50 profiles'] = (await measure(Topics.MerchantsProfilesV1, merchants.map((m) => aProfileEvent({ merchantId: m })), (b) => handlers.profiles.handle(b))).length;
    figures['200 GENERAL assessments, nothing imposed'] = (
      await measure(Topics.PenaltiesAssessedV1, merchants.flatMap((m) => [1, 2, 3, 4].map((i) => aPenaltyEvent({ merchantId: m, track: 'GENERAL', points: 1, total: i }))), (b) => handlers.ladder.handle(b))
    ).length;
    figures['150 SERIOUS assessments imposing 150 sanctions'] = (
      await measure(Topics.PenaltiesAssessedV1, merchants.flatMap((m) => [1, 2, 3].map((i) => aPenaltyEvent({ merchantId: m, violationId: `${m}-${i}`, points: 12, total: 12 * i }))), (b) => handlers.ladder.handle(b))
    ).length;
    figures['50 adjustments revoking 50 sanctions'] = (
      await measure(Topics.PenaltiesAssessedV1, merchants.map((m) => aPenaltyEvent({ merchantId: m, violationId: `${m}-3`, points: 0, total: 24, adjusted: true })), (b) => handlers.ladder.handle(b))
    ).length;
    figures['50 forgeries opening 50 cases'] = (
      await measure(Topics.ViolationsDetectedV1, merchants.map((m) => aViolationEvent({ merchantId: m, code: 'QUALIFICATION_FORGERY' })), (b) => handlers.forgery.handle(b))
    ).length;
    console.log(`statements per batch:\n${Object.entries(figures).map(([k, v]) => `  ${k}: ${v}`).join('\n')}`);
    expect(Math.max(...Object.values(figures))).toBeLessThanOrEqual(15);
    expect(await testbed.rows('SELECT count(*)::int AS n FROM sanction')).toEqual([{ n: 150 }]);
    expect(await testbed.rows('SELECT count(*)::int AS n FROM sanction WHERE revoked_at IS NOT NULL')).toEqual([{ n: 50 }]);
    expect(await testbed.rows('SELECT count(*)::int AS n FROM forgery_case')).toEqual([{ n: 50 }]);
  });
});
