import { AppealDesk } from '@penalty/appeals';
import { Topics } from '@penalty/contracts';
import { FixedClock, RuleBook } from '@penalty/domain';
import { aMerchantId, aViolationEvent, HandlerTestbed } from '@penalty/testing';
import { AssessViolationsHandler } from './assess-violations/assess-violations.handler';
import { PenaltyAppealSubjects } from './penalty-appeals';
import { scoringTestbedOptions } from '../testing/scoring-testbed';

const evidence = [{ kind: 'INVOICE', issuer: 'Supplier Co.', validFrom: '2026-01-01T00:00:00+08:00', validUntil: '2027-01-01T00:00:00+08:00', sha256: 'a'.repeat(64) }];

/**
 * The review queue as a team's (issue: two reviewers never decide the same appeal): a reviewer claims
 * a pending appeal, and only the holder decides or releases it; a claim can be assigned to a colleague;
 * notes go to the audit trail; every claim change is published (appeal.updated.v1 `claim`). On real
 * PostgreSQL, through the scoring service's appeal desk (penalties).
 */
describe('claiming appeals (real PostgreSQL)', () => {
  const clock = new FixedClock('2026-11-23T10:00:00+08:00');
  const testbed = new HandlerTestbed(scoringTestbedOptions(clock));
  const rules = new RuleBook();
  let desk: AppealDesk;
  const refusal = (p: Promise<unknown>) => p.then(() => undefined, (error: unknown) => error as { status?: number; code?: string });

  beforeAll(async () => {
    await testbed.start(1);
    desk = new AppealDesk(testbed.dataSource, testbed.replicas[0].runner, clock, new PenaltyAppealSubjects(rules));
  }, 120_000);
  afterAll(() => testbed.stop());

  const pendingAppeal = async () => {
    const merchantId = aMerchantId('claims');
    const violation = aViolationEvent({ merchantId });
    await testbed.replicas[0].inbox.apply(testbed.batch(Topics.ViolationsDetectedV1, [violation]), (b) => new AssessViolationsHandler(clock, rules).handle(b));
    const appeal = await desk.file('PENALTY', violation.data.violationId, { statement: 'The goods were genuine.', evidence }, merchantId);
    return { merchantId, subject: { kind: 'PENALTY' as const, subjectId: violation.data.violationId }, appealId: appeal.appealId };
  };
  const accept = { decision: 'ACCEPTED' as const, note: 'invoices check out' };

  it('lets a reviewer whose roles are for another marketplace neither claim nor decide the appeal; one of its marketplace decides it', async () => {
    const { merchantId, subject, appealId } = await pendingAppeal();
    // The violation carried no marketplace: it was judged for the deployment's default one.
    expect(await refusal(desk.claim(appealId, subject, 'gina', undefined, ['tmall-global']))).toMatchObject({ status: 403, code: 'AUTH.MARKETPLACE_FORBIDDEN' });
    expect(await refusal(desk.decide(appealId, accept, 'gina', subject, ['tmall-global']))).toMatchObject({ status: 403, code: 'AUTH.MARKETPLACE_FORBIDDEN' });
    expect(await refusal(desk.decide(appealId, accept, 'nobody', subject, []))).toMatchObject({ status: 403, code: 'AUTH.MARKETPLACE_FORBIDDEN' });
    const [pending] = await testbed.rows<{ status: string; claimed_by: string | null }>('SELECT status, claimed_by FROM appeal WHERE appeal_id = $1', [appealId]);
    expect(pending).toEqual({ status: 'PENDING', claimed_by: null });
    expect(await desk.decide(appealId, accept, 'tina', subject, [rules.defaultMarketplace, 'tmall-global'])).toMatchObject({ status: 'ACCEPTED' });
    const trail = await testbed.rows<{ actor: string; action: string }>(`SELECT actor, action FROM audit_entry WHERE merchant_id = $1 ORDER BY id`, [merchantId]);
    expect(trail.map((t) => [t.actor, t.action])).toEqual([[merchantId, 'APPEAL.FILE'], ['tina', 'APPEAL.ACCEPT']]);
  });

  it('lets only the holder of a claim decide or release it; assigned to a colleague, the colleague decides', async () => {
    const { merchantId, subject, appealId } = await pendingAppeal();
    expect(await desk.claim(appealId, subject, 'alice')).toMatchObject({ claimedBy: 'alice', claimedAt: '2026-11-23T10:00:00+08:00' });
    // Claiming again is harmless; another reviewer can neither claim, release nor decide it.
    expect((await desk.claim(appealId, subject, 'alice')).claimedBy).toBe('alice');
    expect(await refusal(desk.claim(appealId, subject, 'bob'))).toMatchObject({ status: 409, code: 'APPEAL.CLAIMED_BY_ANOTHER' });
    expect(await refusal(desk.release(appealId, subject, 'bob'))).toMatchObject({ status: 409, code: 'APPEAL.CLAIMED_BY_ANOTHER' });
    expect(await refusal(desk.decide(appealId, accept, 'bob', subject))).toMatchObject({ status: 409, code: 'APPEAL.CLAIMED_BY_ANOTHER' });
    await desk.note(appealId, subject, 'asked the supplier for the originals', 'alice');
    // Assigned to bob, who decides it; the claim ends with the decision.
    expect((await desk.claim(appealId, subject, 'alice', 'bob')).claimedBy).toBe('bob');
    expect(await refusal(desk.decide(appealId, accept, 'alice', subject))).toMatchObject({ code: 'APPEAL.CLAIMED_BY_ANOTHER' });
    expect(await desk.decide(appealId, accept, 'bob', subject)).toMatchObject({ status: 'ACCEPTED', claimedBy: null });
    expect(await refusal(desk.claim(appealId, subject, 'alice'))).toMatchObject({ status: 409, code: 'APPEAL.NOT_PENDING' });

    const trail = await testbed.rows<{ actor: string; action: string; reason: string }>(`SELECT actor, action, reason FROM audit_entry WHERE merchant_id = $1 ORDER BY id`, [merchantId]);
    expect(trail.map((t) => [t.actor, t.action])).toEqual([
      [merchantId, 'APPEAL.FILE'],
      ['alice', 'APPEAL.CLAIM'],
      ['alice', 'APPEAL.CLAIM'],
      ['alice', 'APPEAL.NOTE'],
      ['alice', 'APPEAL.ASSIGN'],
      ['bob', 'APPEAL.ACCEPT'],
    ]);
    expect(trail[3].reason).toBe('asked the supplier for the originals');
    // The review queue learns who holds it from appeal.updated.v1.
    const updates = await testbed.recorder.waitFor((m) => m.key === merchantId && m.json?.type === 'appeal.updated.v1', 5);
    expect(updates.map((m) => m.json!.data.claim?.by ?? null)).toEqual([null, 'alice', 'alice', 'bob', null]);
  });

  it('releases a claim so that another reviewer may take it; an unclaimed appeal is decided by whoever decides first, once', async () => {
    const { subject, appealId } = await pendingAppeal();
    await desk.claim(appealId, subject, 'alice');
    expect((await desk.release(appealId, subject, 'alice')).claimedBy).toBeNull();
    expect((await desk.claim(appealId, subject, 'bob')).claimedBy).toBe('bob');
    await desk.release(appealId, subject, 'bob');
    const both = await Promise.all([refusal(desk.decide(appealId, accept, 'alice', subject)), refusal(desk.decide(appealId, accept, 'bob', subject))]);
    expect(both.filter((r) => r === undefined)).toHaveLength(1);
    // The second finds it decided: a rule refusal (409 over HTTP).
    expect(both.find((r) => r !== undefined)).toMatchObject({ code: expect.stringMatching(/^APPEAL\./) });
  });
});
