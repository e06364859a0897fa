import { Topics } from '@penalty/contracts';
import { aMerchantId, aProfileEvent, aViolationEvent, PipelineStack, TopicRecorder, type RecordedMessage } from '@penalty/testing';

const DAY = 86_400_000;
const HOUR = 3_600_000;

// A GENERAL-track ladder (the rulebook's default has none) so that restored exam points can reach a node.
const GENERAL_NODE = { node: 2, timedMeasures: ['PUBLIC_WARNING'], timedMeasureDays: 7, marketingBanDays: 0, oneOffMeasures: [], fineFen: 100_000, forfeitsDeposit: false };

const evidence = (sha256 = 'a'.repeat(64)) => [
  {
    kind: 'BRAND_AUTHORIZATION',
    issuer: 'Brand Co.',
    validFrom: new Date(Date.now() - 30 * DAY).toISOString(),
    validUntil: new Date(Date.now() + 365 * DAY).toISOString(),
    sha256,
  },
];

/**
 * The merchant's remedies end to end (rulebook sections 4 to 7) on the real broker and database:
 * forgery cases remedied and left to expire, an appeal that revokes a ladder node, exam chances passed
 * and voided, and a deposit shortfall that ends in supervision and is lifted by a payment.
 */
describe('remedies: forgery, appeals, exam chances, deposits (real Kafka + PostgreSQL)', () => {
  const stack = new PipelineStack({ apps: ['api', 'scoring-service', 'sanction-service'], env: { RULE_OVERRIDES: JSON.stringify({ ladders: { GENERAL: [GENERAL_NODE] } }) } });
  let recorder: TopicRecorder;

  beforeAll(async () => {
    await stack.start();
    recorder = new TopicRecorder(stack.brokers, [Topics.PenaltiesAssessedV1, Topics.SanctionsDecidedV1, Topics.RemediesUpdatedV1].map((t) => stack.topic(t)));
    await recorder.start();
  }, 300_000);

  afterAll(async () => {
    await recorder?.stop();
    await stack.stop();
  });

  const of = (merchantId: string, type: string, where: (data: Record<string, any>) => boolean = () => true) => (m: RecordedMessage) =>
    m.key === merchantId && m.json?.type === type && where(m.json.data);

  /** Polls the api's read model until `ready` holds (it follows the topics asynchronously). */
  async function readModel(path: string, ready: (body: any) => boolean): Promise<any> {
    const deadline = Date.now() + 30_000;
    let body: any;
    while (Date.now() < deadline) {
      body = (await call('api', path)).json;
      if (ready(body)) return body;
      await new Promise((r) => setTimeout(r, 200));
    }
    return body;
  }

  async function call(app: 'api' | 'scoring-service' | 'sanction-service', path: string, body?: unknown): Promise<{ status: number; json: any }> {
    const response = await fetch(`${stack.service(app).baseUrl}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: await stack.operatorHeaders(app === 'sanction-service' && path.includes('/deposit/') ? 'admin' : 'reviewer'),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: await response.json() };
  }

  async function withProfile(merchantId: string, examEligible = false): Promise<void> {
    await stack.publish(Topics.MerchantsProfilesV1, [aProfileEvent({ merchantId, examEligible })]);
    // The first profile fixes the deposit paid on entry: 50,000 CNY for a flagship store with ® trademarks.
    await recorder.waitFor(of(merchantId, 'deposit.updated.v1', (d) => d.change.kind === 'REQUIREMENT'));
  }

  it('fines a forgery case remedied in time by its case number (5,000 CNY for the first)', async () => {
    const merchantId = aMerchantId('forgery-ok');
    await withProfile(merchantId);
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'QUALIFICATION_FORGERY', severity: 'STANDARD' })]);
    const [opened] = await recorder.waitFor(of(merchantId, 'forgery-case.updated.v1'));
    const forgeryCase = opened.json!.data;
    expect(forgeryCase).toMatchObject({ status: 'OPEN', caseNumber: 1, ruleVersion: '2022-06-27', sanctionIds: [] });
    expect(Date.parse(forgeryCase.remediationClosesAt) - Date.parse(forgeryCase.openedAt)).toBe(15 * DAY);
    // The api lists the case and its remediation deadline.
    const cases = await readModel(`/v1/merchants/${merchantId}/cases`, (b) => b.forgeryCases?.length === 1);
    expect(cases.forgeryCases[0]).toMatchObject({ caseId: forgeryCase.caseId, status: 'OPEN', caseNumber: 1 });
    expect(cases.deadlines).toEqual([{ kind: 'FORGERY_REMEDIATION', closesAt: forgeryCase.remediationClosesAt, reference: forgeryCase.caseId, referenceKind: 'FORGERY_CASE' }]);
    // The detection itself scores nothing: forgery follows section 4.
    expect((await recorder.waitFor(of(merchantId, 'penalty.assessed.v1')))[0].json!.data.points).toBe(0);

    const submitted = await call('sanction-service', `/v1/forgery-cases/${forgeryCase.caseId}/remediation`, { documents: evidence() });
    expect(submitted).toMatchObject({ status: 200, json: { status: 'REMEDIATION_SUBMITTED' } });
    const reviewed = await call('sanction-service', `/v1/forgery-cases/${forgeryCase.caseId}/remediation/review`, { accepted: true, note: 'chain complete' });
    expect(reviewed).toMatchObject({ status: 200, json: { status: 'REMEDIED' } });

    const [imposed] = await recorder.waitFor(of(merchantId, 'sanction.imposed.v1'));
    expect(imposed.json!.data).toMatchObject({ cause: { kind: 'FORGERY', violationIds: [forgeryCase.violationId] }, measures: [], fine: { amountFen: 500_000, currency: 'CNY' } });
    const deposit = await recorder.waitFor(of(merchantId, 'deposit.updated.v1', (d) => d.change.kind === 'FINE_CHARGED'));
    expect(deposit[0].json!.data).toMatchObject({ balanceFen: 4_500_000, shortfallFen: 500_000, change: { amountFen: -500_000, reference: imposed.json!.data.sanctionId } });

    // A second review of a remedied case is refused by the rules, with problem details.
    const again = await call('sanction-service', `/v1/forgery-cases/${forgeryCase.caseId}/remediation/review`, { accepted: false });
    expect(again).toMatchObject({ status: 409, json: { code: 'FORGERY.NOTHING_TO_REVIEW' } });
  });

  it('lets one reviewer at a time work on a submitted remediation: claim, assign, release, notes; the review queue shows the holder and the documents', async () => {
    const merchantId = aMerchantId('forgery-claims');
    await withProfile(merchantId);
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'QUALIFICATION_FORGERY', severity: 'STANDARD' })]);
    const caseId: string = (await recorder.waitFor(of(merchantId, 'forgery-case.updated.v1')))[0].json!.data.caseId;
    const as = async (reviewer: string, action: string, body?: unknown) => {
      const response = await fetch(`${stack.service('sanction-service').baseUrl}/v1/forgery-cases/${caseId}/${action}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await stack.operatorToken('reviewer', reviewer)}` },
        body: JSON.stringify(body ?? {}),
      });
      return { status: response.status, json: response.status === 204 ? null : await response.json() };
    };
    // Nothing to work on before the merchant submits documents.
    expect(await as('alice', 'remediation/claim')).toMatchObject({ status: 409, json: { code: 'FORGERY.NOTHING_TO_REVIEW' } });
    expect((await call('sanction-service', `/v1/forgery-cases/${caseId}/remediation`, { documents: evidence('b'.repeat(64)) })).status).toBe(200);

    expect(await as('alice', 'remediation/claim')).toMatchObject({ status: 200, json: { status: 'REMEDIATION_SUBMITTED', claim: { by: 'alice' }, documents: [{ issuer: 'Brand Co.', sha256: 'b'.repeat(64) }] } });
    // Another reviewer can neither claim, release nor review it.
    expect(await as('bob', 'remediation/claim')).toMatchObject({ status: 409, json: { code: 'FORGERY.CLAIMED_BY_ANOTHER' } });
    expect(await as('bob', 'remediation/release')).toMatchObject({ status: 409, json: { code: 'FORGERY.CLAIMED_BY_ANOTHER' } });
    expect(await as('bob', 'remediation/review', { accepted: true })).toMatchObject({ status: 409, json: { code: 'FORGERY.CLAIMED_BY_ANOTHER' } });
    // Assigned to bob, it is bob's: alice can no longer review it.
    expect(await as('alice', 'remediation/claim', { assignee: 'bob' })).toMatchObject({ status: 200, json: { claim: { by: 'bob' } } });
    expect(await as('alice', 'remediation/review', { accepted: true })).toMatchObject({ status: 409, json: { code: 'FORGERY.CLAIMED_BY_ANOTHER' } });
    expect(await as('bob', 'notes', { text: 'asked the brand to confirm the authorisation' })).toEqual({ status: 204, json: null });
    // The review queue names the holder and shows the documents in its evidence viewer.
    const queue = await readModel('/v1/ops/review-queue', (b) => b.items?.some((i: any) => i.id === caseId && i.claimedBy === 'bob'));
    expect(queue.items.find((i: any) => i.id === caseId)).toMatchObject({ kind: 'FORGERY_REMEDIATION', claimedBy: 'bob', evidence: [{ kind: 'BRAND_AUTHORIZATION', sha256: 'b'.repeat(64) }] });
    // Released, anyone may review it; the review ends the claim.
    expect(await as('bob', 'remediation/release')).toMatchObject({ status: 200, json: { claim: null } });
    expect(await as('carol', 'remediation/review', { accepted: true })).toMatchObject({ status: 200, json: { status: 'REMEDIED', claim: null } });
    expect(await as('carol', 'remediation/release')).toMatchObject({ status: 409, json: { code: 'FORGERY.NOTHING_TO_REVIEW' } });

    // Every claim change went out on forgery-case.updated.v1, in order.
    const updates = await recorder.waitFor(of(merchantId, 'forgery-case.updated.v1', (d) => d.status === 'REMEDIED'));
    expect(updates).toHaveLength(1);
    const claims = recorder.messages.filter(of(merchantId, 'forgery-case.updated.v1')).map((m) => m.json!.data.claim?.by ?? null);
    expect(claims).toEqual([null, null, 'alice', 'bob', null, null]);
    const trail = (await call('sanction-service', `/v1/merchants/${merchantId}/audit`)).json.items as { actor: string; action: string }[];
    expect(trail.map((e) => [e.actor, e.action]).reverse().filter(([, action]) => action.startsWith('FORGERY.'))).toEqual([
      ['it-reviewer', 'FORGERY.SUBMIT_REMEDIATION'],
      ['alice', 'FORGERY.CLAIM_REMEDIATION'],
      ['alice', 'FORGERY.ASSIGN_REMEDIATION'],
      ['bob', 'FORGERY.NOTE'],
      ['bob', 'FORGERY.RELEASE_REMEDIATION'],
      ['carol', 'FORGERY.ACCEPT_REMEDIATION'],
    ]);
  });

  it('revokes the 24-point node when the appeal against the violation that reached it is accepted: measures lifted, fine refunded', async () => {
    const merchantId = aMerchantId('appeal');
    await withProfile(merchantId);
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'COUNTERFEIT_GOODS', severity: 'STANDARD' })]);
    await recorder.waitFor(of(merchantId, 'sanction.imposed.v1', (d) => d.cause.node === 12));
    const second = aViolationEvent({ merchantId, code: 'FRAUD', severity: 'STANDARD' });
    await stack.publish(Topics.ViolationsDetectedV1, [second]);
    const [node24] = await recorder.waitFor(of(merchantId, 'sanction.imposed.v1', (d) => d.cause.node === 24));
    expect(node24.json!.data.fine).toEqual({ amountFen: 3_000_000, currency: 'CNY' });

    const filed = await call('scoring-service', `/v1/penalties/${second.data.violationId}/appeals`, { statement: 'The goods were genuine.', evidence: evidence() });
    expect(filed).toMatchObject({ status: 201, json: { status: 'PENDING', round: 1, subjectKind: 'PENALTY' } });
    // One appeal at a time.
    expect(await call('scoring-service', `/v1/penalties/${second.data.violationId}/appeals`, { statement: 'again', evidence: evidence() })).toMatchObject({ status: 409, json: { code: 'APPEAL.PENDING' } });
    const decided = await call('scoring-service', `/v1/penalties/${second.data.violationId}/appeals/${filed.json.appealId}/decision`, { decision: 'ACCEPTED' });
    expect(decided).toMatchObject({ status: 200, json: { status: 'ACCEPTED' } });

    const [adjusted] = await recorder.waitFor(of(merchantId, 'penalty.adjusted.v1'));
    expect(adjusted.json!.data).toMatchObject({ violationId: second.data.violationId, points: 0, waiver: 'APPEAL', totals: { serious: 12 } });
    const [lifted] = await recorder.waitFor(of(merchantId, 'sanction.lifted.v1'));
    expect(lifted.json!.data).toMatchObject({ sanctionId: node24.json!.data.sanctionId, reason: 'POINTS_RESTORED' });
    expect([...lifted.json!.data.measureTypes].sort()).toEqual(node24.json!.data.measures.map((m: { type: string }) => m.type).sort());
    const [refund] = await recorder.waitFor(of(merchantId, 'deposit.updated.v1', (d) => d.change.kind === 'FINE_REFUNDED'));
    // 50,000 paid, 20,000 and 30,000 charged, 30,000 back.
    expect(refund.json!.data).toMatchObject({ balanceFen: 3_000_000, change: { amountFen: 3_000_000, reference: node24.json!.data.sanctionId } });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(recorder.matching(of(merchantId, 'sanction.lifted.v1'))).toHaveLength(1);
    expect(recorder.matching(of(merchantId, 'appeal.updated.v1')).map((m) => m.json!.data.status)).toEqual(['PENDING', 'ACCEPTED']);
  });

  it('takes one second appeal after a rejection; accepting it revokes the sanction: measures lifted APPEAL_ACCEPTED, fine refunded', async () => {
    const merchantId = aMerchantId('second-appeal');
    await withProfile(merchantId);
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'COUNTERFEIT_GOODS', severity: 'STANDARD' })]);
    const [imposed] = await recorder.waitFor(of(merchantId, 'sanction.imposed.v1'));
    const sanctionId = imposed.json!.data.sanctionId;
    const appeals = `/v1/sanctions/${sanctionId}/appeals`;

    const first = await call('sanction-service', appeals, { statement: 'Supplier invoices attached.', evidence: evidence() });
    expect(first).toMatchObject({ status: 201, json: { round: 1, status: 'PENDING', subjectKind: 'SANCTION' } });
    // A rejection must name one of the source's reasons.
    const unexplained = await call('sanction-service', `${appeals}/${first.json.appealId}/decision`, { decision: 'REJECTED' });
    expect(unexplained).toMatchObject({ status: 400, json: { code: 'REQUEST.INVALID', errors: [expect.objectContaining({ field: 'rejectionReason' })] } });
    const rejected = await call('sanction-service', `${appeals}/${first.json.appealId}/decision`, { decision: 'REJECTED', rejectionReason: 'MATERIALS_INCOMPLETE' });
    expect(rejected).toMatchObject({ status: 200, json: { status: 'REJECTED', rejectionReason: 'MATERIALS_INCOMPLETE' } });
    expect(Date.parse(rejected.json.secondAppealClosesAt)).toBeGreaterThanOrEqual(Date.parse(imposed.json!.data.appealDeadline));

    // The second appeal must bring new evidence: the rejected appeal's documents again are refused.
    const same = await call('sanction-service', appeals, { statement: 'Supplier invoices again.', evidence: evidence() });
    expect(same).toMatchObject({ status: 409, json: { code: 'APPEAL.NO_NEW_EVIDENCE' } });
    const second = await call('sanction-service', appeals, { statement: 'The complete purchase chain.', evidence: [...evidence(), ...evidence('b'.repeat(64))] });
    expect(second).toMatchObject({ status: 201, json: { round: 2, status: 'PENDING' } });
    expect(await call('sanction-service', `${appeals}/${second.json.appealId}/decision`, { decision: 'ACCEPTED' })).toMatchObject({ status: 200, json: { status: 'ACCEPTED' } });
    const [lifted] = await recorder.waitFor(of(merchantId, 'sanction.lifted.v1'));
    expect(lifted.json!.data).toMatchObject({ sanctionId, reason: 'APPEAL_ACCEPTED' });
    expect(lifted.json!.data.measureTypes).toHaveLength(imposed.json!.data.measures.length);
    const [refund] = await recorder.waitFor(of(merchantId, 'deposit.updated.v1', (d) => d.change.kind === 'FINE_REFUNDED'));
    expect(refund.json!.data).toMatchObject({ balanceFen: 5_000_000, shortfallFen: 0, topUpDueAt: null, change: { amountFen: 2_000_000 } });
    expect(await call('sanction-service', appeals, { statement: 'once more', evidence: evidence() })).toMatchObject({ status: 409, json: { code: 'APPEAL.ALREADY_ACCEPTED' } });

    const trail = await call('sanction-service', `/v1/merchants/${merchantId}/audit`);
    expect(trail.json.items.map((e: { action: string }) => e.action).slice(0, 4)).toEqual(['APPEAL.ACCEPT', 'APPEAL.FILE', 'APPEAL.REJECT', 'APPEAL.FILE']);
  });

  it('waives the points of the second AD_INFO when the exam is passed; the item stays delisted', async () => {
    const merchantId = aMerchantId('exam');
    await withProfile(merchantId, true);
    const granted = await call('scoring-service', `/v1/merchants/${merchantId}/exam-chances`, {});
    expect(granted).toMatchObject({ status: 201, json: { status: 'GRANTED' } });
    expect(await call('scoring-service', `/v1/merchants/${merchantId}/exam-chances`, {})).toMatchObject({ status: 409, json: { code: 'EXAM.ALREADY_GRANTED' } });

    const first = aViolationEvent({ merchantId, code: 'INFORMATION_ABUSE', scenario: 'AD_INFO', severity: 'MINOR' });
    await stack.publish(Topics.ViolationsDetectedV1, [first]);
    await recorder.waitFor(of(merchantId, 'penalty.assessed.v1'));
    // A self-check chance costs nothing: there is nothing to waive.
    const onFirst = await call('scoring-service', `/v1/exam-chances/${granted.json.chanceId}/use`, { violationId: first.data.violationId });
    expect(onFirst).toMatchObject({ status: 409, json: { code: 'EXAM.NOTHING_TO_WAIVE' } });

    const second = aViolationEvent({ merchantId, code: 'INFORMATION_ABUSE', scenario: 'AD_INFO', severity: 'MINOR' });
    await stack.publish(Topics.ViolationsDetectedV1, [second]);
    const [assessed] = await recorder.waitFor(of(merchantId, 'penalty.assessed.v1', (d) => d.violationId === second.data.violationId));
    expect(assessed.json!.data).toMatchObject({ points: 1, waiver: null, totals: { general: 1 } });
    const [offer] = await recorder.waitFor(of(merchantId, 'exam-chance.updated.v1', (d) => d.offer !== null));
    expect(offer.json!.data.offer.violationId).toBe(second.data.violationId);

    expect(await call('scoring-service', `/v1/exam-chances/${granted.json.chanceId}/use`, { violationId: second.data.violationId })).toMatchObject({ status: 200, json: { status: 'CHOSEN' } });
    expect(await call('scoring-service', `/v1/exam-chances/${granted.json.chanceId}/result`, { result: 'PASSED' })).toMatchObject({ status: 200, json: { status: 'PASSED' } });
    const [adjusted] = await recorder.waitFor(of(merchantId, 'penalty.adjusted.v1'));
    expect(adjusted.json!.data).toMatchObject({ violationId: second.data.violationId, points: 0, waiver: 'EXAM', totals: { general: 0 } });
    // Item handling is not undone: nothing was lifted or revoked.
    expect(recorder.matching(of(merchantId, 'sanction.lifted.v1'))).toHaveLength(0);
    const standing = await readModel(`/v1/merchants/${merchantId}/standing`, (b) => b.examChance?.status === 'PASSED' && b.points?.general === 0);
    expect(standing).toMatchObject({ points: { general: 0 }, examChance: { status: 'PASSED', expiresAt: granted.json.expiresAt } });
  });

  it('restores the waived points when a used chance is voided, which reaches a ladder node and imposes it', async () => {
    const merchantId = aMerchantId('void');
    await withProfile(merchantId, true);
    const granted = await call('scoring-service', `/v1/merchants/${merchantId}/exam-chances`, {});
    const ads = [1, 2].map(() => aViolationEvent({ merchantId, code: 'INFORMATION_ABUSE', scenario: 'AD_INFO', severity: 'MINOR' }));
    for (const ad of ads) {
      await stack.publish(Topics.ViolationsDetectedV1, [ad]);
      await recorder.waitFor(of(merchantId, 'penalty.assessed.v1', (d) => d.violationId === ad.data.violationId));
    }
    await call('scoring-service', `/v1/exam-chances/${granted.json.chanceId}/use`, { violationId: ads[1].data.violationId });
    await call('scoring-service', `/v1/exam-chances/${granted.json.chanceId}/result`, { result: 'PASSED' });
    await recorder.waitFor(of(merchantId, 'penalty.adjusted.v1', (d) => d.waiver === 'EXAM'));
    const late = aViolationEvent({ merchantId, code: 'DELAYED_SHIPMENT', severity: 'MINOR' });
    await stack.publish(Topics.ViolationsDetectedV1, [late]);
    await recorder.waitFor(of(merchantId, 'penalty.assessed.v1', (d) => d.violationId === late.data.violationId && d.totals.general === 1));
    expect(recorder.matching(of(merchantId, 'sanction.imposed.v1'))).toHaveLength(0);

    const voided = await call('scoring-service', `/v1/exam-chances/${granted.json.chanceId}/voiding`, { reason: 'chance obtained improperly' });
    expect(voided).toMatchObject({ status: 200, json: { status: 'VOIDED', reason: 'chance obtained improperly' } });
    const [restored] = await recorder.waitFor(of(merchantId, 'penalty.adjusted.v1', (d) => d.waiver === null));
    expect(restored.json!.data).toMatchObject({ violationId: ads[1].data.violationId, points: 1, totals: { general: 2 } });
    const [imposed] = await recorder.waitFor(of(merchantId, 'sanction.imposed.v1'));
    expect(imposed.json!.data).toMatchObject({ cause: { kind: 'LADDER_NODE', node: 2 }, fine: { amountFen: 100_000 } });
  });

  it('supervises the store when a forgery window and a deposit top-up window close unmet, and lifts supervision on payment', async () => {
    const forger = aMerchantId('forgery-late');
    const shortMerchant = aMerchantId('deposit');
    await withProfile(forger);
    await withProfile(shortMerchant);
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId: forger, code: 'QUALIFICATION_FORGERY', severity: 'MINOR' })]);
    await recorder.waitFor(of(forger, 'forgery-case.updated.v1', (d) => d.status === 'OPEN'));
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId: shortMerchant, code: 'COUNTERFEIT_GOODS', severity: 'STANDARD' })]);
    const [short] = await recorder.waitFor(of(shortMerchant, 'deposit.updated.v1', (d) => d.change.kind === 'FINE_CHARGED'));
    expect(short.json!.data).toMatchObject({ requiredFen: 5_000_000, balanceFen: 3_000_000, shortfallFen: 2_000_000 });
    const topUpDueAt = Date.parse(short.json!.data.topUpDueAt);
    const shortStanding = await readModel(`/v1/merchants/${shortMerchant}/standing`, (b) => b.deposit?.topUpDueAt !== null && b.deposit?.topUpDueAt !== undefined);
    expect(shortStanding.deposit).toEqual({ requiredFen: 5_000_000, balanceFen: 3_000_000, topUpDueAt: short.json!.data.topUpDueAt });

    // The sanction service comes back 16 days later: both windows are overdue and each closes once.
    const sanctionService = stack.service('sanction-service');
    await sanctionService.restart({ CLOCK_OFFSET_MS: String(16 * DAY + HOUR) });
    const [unremedied] = await recorder.waitFor(of(forger, 'forgery-case.updated.v1', (d) => d.status === 'UNREMEDIED'));
    const [forgerySanction] = await recorder.waitFor(of(forger, 'sanction.imposed.v1'));
    expect(forgerySanction.json!.data).toMatchObject({ cause: { kind: 'FORGERY' }, fine: { amountFen: 1_000_000 } });
    expect(forgerySanction.json!.data.measures.map((m: { type: string }) => m.type).sort()).toEqual(['BRAND_AUTHORIZATION_REVOCATION', 'DELIST_RELATED_ITEMS']);
    expect(unremedied.json!.data.sanctionIds).toEqual([forgerySanction.json!.data.sanctionId]);

    const [supervision] = await recorder.waitFor(of(shortMerchant, 'sanction.imposed.v1', (d) => d.cause.kind === 'DEPOSIT_SHORTFALL'));
    expect(supervision.json!.data.measures).toEqual([expect.objectContaining({ type: 'STORE_SUPERVISION', endsAt: null })]);
    expect(Date.parse(supervision.json!.data.measures[0].startsAt)).toBeGreaterThanOrEqual(topUpDueAt);

    const payment = { paymentId: `pay-${shortMerchant}`, amountFen: 2_000_000 };
    expect(await call('sanction-service', `/v1/merchants/${shortMerchant}/deposit/payments`, payment)).toMatchObject({ status: 201, json: { balanceFen: 5_000_000, shortfallFen: 0, topUpDueAt: null } });
    // The same payment again changes nothing.
    expect(await call('sanction-service', `/v1/merchants/${shortMerchant}/deposit/payments`, payment)).toMatchObject({ status: 200, json: { balanceFen: 5_000_000 } });
    const [lifted] = await recorder.waitFor(of(shortMerchant, 'sanction.lifted.v1', (d) => d.reason === 'DEPOSIT_TOPPED_UP'));
    expect(lifted.json!.data).toMatchObject({ sanctionId: supervision.json!.data.sanctionId, measureTypes: ['STORE_SUPERVISION'] });
    // The deposit and the lift travel on different topics: wait for both in the read model.
    const standing = await readModel(
      `/v1/merchants/${shortMerchant}/standing`,
      (b) => b.deposit?.balanceFen === 5_000_000 && !b.activeMeasures?.some((m: { type: string }) => m.type === 'STORE_SUPERVISION'),
    );
    expect(standing.deposit).toEqual({ requiredFen: 5_000_000, balanceFen: 5_000_000, topUpDueAt: null });
    expect(standing.activeMeasures.map((m: { type: string }) => m.type)).not.toContain('STORE_SUPERVISION');

    // The node-12 sanction's 15-day appeal window closed a day ago: a late appeal is refused at once.
    const nodeSanction = recorder.matching(of(shortMerchant, 'sanction.imposed.v1', (d) => d.cause.kind === 'LADDER_NODE'))[0].json!.data;
    const late = await call('sanction-service', `/v1/sanctions/${nodeSanction.sanctionId}/appeals`, { statement: 'late', evidence: evidence() });
    expect(late).toMatchObject({ status: 409, json: { code: 'APPEAL.WINDOW_CLOSED' } });

    await sanctionService.restart();
    await new Promise((r) => setTimeout(r, 2_000));
    expect(recorder.matching(of(forger, 'sanction.imposed.v1'))).toHaveLength(1);
    expect(recorder.matching(of(shortMerchant, 'sanction.imposed.v1', (d) => d.cause.kind === 'DEPOSIT_SHORTFALL'))).toHaveLength(1);
    expect(recorder.matching(of(shortMerchant, 'sanction.lifted.v1', (d) => d.reason === 'DEPOSIT_TOPPED_UP'))).toHaveLength(1);
  });
});
