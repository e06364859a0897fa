import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium';
import { axeInBothLanguages, openRoute, type Operator, signInToDashboard, toChinese, toEnglish } from './dashboard-session';
import { until } from './dashboard-tables';
import { axeFindings } from './axe-findings';
import { Topics } from '@penalty/contracts';
import { aMerchantId, aProfileEvent, aViolationEvent, DashboardProcess, PipelineStack, TopicRecorder } from '@penalty/testing';

const ADMIN = { username: 'root-admin', password: 'correct horse battery staple' };
const REVIEWER_A = { username: 'rev.an', password: 'first reviewer passphrase for e2e' };
const REVIEWER_B = { username: 'rev.bo', password: 'second reviewer passphrase for e2e' };
const EVIDENCE = [
  { kind: 'BRAND_AUTHORIZATION', issuer: 'Brand Co.', validFrom: '2026-01-01T00:00:00+08:00', validUntil: '2027-12-31T00:00:00+08:00', sha256: 'a'.repeat(64) },
  { kind: 'PURCHASE_INVOICE', issuer: 'Wholesaler Ltd', validFrom: '2025-01-01T00:00:00+08:00', validUntil: '2025-12-31T00:00:00+08:00', sha256: 'b'.repeat(64) },
];

/** What the detecting system found, as a violation event carries it: the listings and the evidence items. */
const violationEvidenceOf = (merchantId: string) => ({
  itemIds: [`${merchantId}-item-1`, `${merchantId}-item-2`],
  evidence: [
    { kind: 'TEST_PURCHASE', uri: `https://evidence.example/purchases/${merchantId}.html`, sha256: 'e'.repeat(64) },
    { kind: 'LISTING_SNAPSHOT', uri: `s3://evidence/listings/${merchantId}.png`, sha256: 'f'.repeat(64) },
  ],
});

interface AuditEntry { action: string; actor: string; reason: string }

/**
 * Issue 13 items 3 and 4 in Debian's Chromium against the real stack: the review queue worked by two
 * reviewers (a claim, the other's decision refused by the service and shown, an assignment, a case
 * note in the audit trail, a bulk decision with each appeal's own result, the live clock to each
 * deadline, the evidence viewer) and the readable pages (codes in zh and en with the code on hover,
 * short ids with a copy button, measures by sanction, test merchants hidden), each checked with axe-core.
 */
describe('ops dashboard: the review queue as a team, readable pages (real Kafka + PostgreSQL)', () => {
  const stack = new PipelineStack({ env: { BOOTSTRAP_ADMIN_USERNAME: ADMIN.username, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password, COOKIE_SECURE: 'false' } });
  const dashboard = new DashboardProcess(stack);
  let recorder: TopicRecorder;
  let browser: Browser;
  const cspViolations: string[] = [];

  const signedIn = (operator: Operator) => signInToDashboard(browser, dashboard.url, operator, cspViolations, { width: 1600 });

  const open = openRoute;

  /** A merchant past the 12-point node: its sanction's id. */
  async function sanctioned(merchantId: string): Promise<string> {
    await stack.publish(Topics.MerchantsProfilesV1, [aProfileEvent({ merchantId, examEligible: true })]);
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'COUNTERFEIT_GOODS', severity: 'STANDARD', extraData: violationEvidenceOf(merchantId) })]);
    const [imposed] = await recorder.waitFor((m) => m.key === merchantId && m.json?.type === 'sanction.imposed.v1');
    return imposed.json!.data.sanctionId;
  }

  /** The merchant appeals (filed by a reviewer on its behalf, as the merchant center would). */
  async function appealed(service: 'sanction-service' | 'scoring-service', collection: string, subjectId: string): Promise<string> {
    const filed = await fetch(`${stack.service(service).baseUrl}/v1/${collection}/${subjectId}/appeals`, {
      method: 'POST', headers: await stack.operatorHeaders('reviewer'),
      body: JSON.stringify({ statement: 'The goods are genuine; documents attached.', evidence: EVIDENCE }),
    });
    expect(filed.status).toBe(201);
    return ((await filed.json()) as { appealId: string }).appealId;
  }

  const audit = async (merchantId: string): Promise<AuditEntry[]> =>
    ((await (await fetch(`${stack.service('sanction-service').baseUrl}/v1/merchants/${merchantId}/audit?limit=100`, { headers: await stack.operatorHeaders('viewer') })).json()) as { items: AuditEntry[] }).items;

  beforeAll(async () => {
    await stack.start();
    recorder = new TopicRecorder(stack.brokers, [stack.topic(Topics.SanctionsDecidedV1), stack.topic(Topics.PenaltiesAssessedV1)]);
    await recorder.start();
    await dashboard.start();
    const admin = await stack.operatorHeaders('admin');
    for (const reviewer of [REVIEWER_A, REVIEWER_B]) {
      const created = await fetch(`${stack.service('api').baseUrl}/v1/operators`, { method: 'POST', headers: admin, body: JSON.stringify({ ...reviewer, roles: ['reviewer'] }) });
      expect(created.status).toBe(201);
    }
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await dashboard.stop();
    await recorder?.stop();
    await stack.stop();
  });

  afterEach(() => {
    const seen = cspViolations.splice(0);
    expect(seen).toEqual([]);
  });

  it("lets two reviewers share the queue: one's claim refuses the other's decision, assignment, notes, a bulk decision with each appeal's result, the clock and the evidence", async () => {
    const [claimedM, bulkM1, bulkM2, penaltyM] = ['rq-claimed', 'rq-bulk1', 'rq-bulk2', 'rq-penalty'].map((p) => aMerchantId(p));
    const [claimedS, bulk1S, bulk2S] = await Promise.all([sanctioned(claimedM), sanctioned(bulkM1), sanctioned(bulkM2)]);
    // A penalty below the node: its appeal is the scoring service's, decided through its own bulk route.
    const violation = aViolationEvent({ merchantId: penaltyM, code: 'COUNTERFEIT_GOODS', severity: 'MINOR' });
    await stack.publish(Topics.MerchantsProfilesV1, [aProfileEvent({ merchantId: penaltyM })]);
    await stack.publish(Topics.ViolationsDetectedV1, [violation]);
    await recorder.waitFor((m) => m.key === penaltyM && m.json?.type === 'penalty.assessed.v1');
    const claimedA = await appealed('sanction-service', 'sanctions', claimedS);
    const bulk1A = await appealed('sanction-service', 'sanctions', bulk1S);
    const bulk2A = await appealed('sanction-service', 'sanctions', bulk2S);
    const penaltyA = await appealed('scoring-service', 'penalties', violation.data.violationId);

    const a = await signedIn(REVIEWER_A);
    const b = await signedIn(REVIEWER_B);
    for (const { page } of [a, b]) {
      await open(page, '#/reviewQueue');
      for (const id of [claimedA, bulk1A, bulk2A, penaltyA]) await page.getByTestId(`claim-${id}`).waitFor({ timeout: 60_000 });
    }

    // The clock to each deadline runs: the sanction appeal's window is about 15 days away; a penalty's has no deadline in the read model.
    const clock = a.page.getByTestId(`countdown-${claimedA}`);
    const first = await clock.innerText();
    expect(first).toMatch(/^1[45]d \d\d:\d\d:\d\d$/);
    expect(await clock.getAttribute('data-urgency')).toBe('NORMAL');
    await until(() => clock.innerText(), (now) => now !== first, 'the clock ticks', 5_000);

    // Reviewer A claims one; B sees the claim, and B's decision is refused by the service and said so.
    await a.page.getByTestId(`claim-${claimedA}`).click();
    await a.page.getByTestId(`claimed-by-${claimedA}`).filter({ hasText: `${REVIEWER_A.username} (you)` }).waitFor();
    await a.page.getByTestId(`release-${claimedA}`).waitFor();
    await b.page.getByTestId(`claimed-by-${claimedA}`).filter({ hasText: REVIEWER_A.username }).waitFor();
    expect(await b.page.getByTestId(`claim-${claimedA}`).count()).toBe(0);
    await b.page.getByTestId(`accept-${claimedA}`).click();
    await b.page.locator('.ant-message-error', { hasText: 'Claimed by another reviewer' }).waitFor();
    await b.page.locator('.ant-message-error', { hasText: REVIEWER_A.username }).waitFor();

    // A case note from A, kept in the sanction service's audit trail.
    await a.page.getByTestId(`note-${claimedA}`).click();
    await a.page.locator('#note-text').fill('Called the brand owner: the authorisation letter is theirs.');
    await a.page.locator('#note-ok').click();
    await a.page.locator('#note-text').waitFor({ state: 'detached' });
    await until(() => audit(claimedM), (entries) => entries.some((e) => e.action === 'APPEAL.NOTE' && e.actor === REVIEWER_A.username && e.reason === 'Called the brand owner: the authorisation letter is theirs.'), 'the note in the audit trail');

    // B selects the claimed appeal, two others and the penalty appeal, and rejects them at once with one reason:
    // the three unclaimed ones are decided (two services), the one A holds is refused, each shown.
    for (const id of [claimedA, bulk1A, bulk2A, penaltyA]) await b.page.locator(`#select-${id}`).check();
    await b.page.getByTestId('selected-count').filter({ hasText: 'Selected 4' }).waitFor();
    await b.page.locator('#decide-selected').click();
    await b.page.locator('#bulk-decision').getByText('Reject').click();
    await b.page.locator('.ant-select:has(#bulk-reason)').click();
    await b.page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: 'Materials incomplete' }).click();
    await b.page.locator('#bulk-note').fill('The purchase invoice expired before the violation.');
    await b.page.locator('#bulk-ok').click();
    const results = b.page.getByTestId('bulk-results');
    await results.waitFor();
    const resultOf = (appealId: string) => results.locator(`tr[data-row-key="${appealId}"]`);
    for (const id of [bulk1A, bulk2A, penaltyA]) await resultOf(id).getByTitle('REJECTED', { exact: true }).waitFor();
    await resultOf(claimedA).getByText('Refused').waitFor();
    await resultOf(claimedA).getByTitle('APPEAL.CLAIMED_BY_ANOTHER', { exact: true }).filter({ hasText: 'Claimed by another reviewer' }).waitFor();
    expect(await results.locator('tbody tr.ant-table-row').count()).toBe(4);
    expect(await axeFindings(b.page, 'Review queue, bulk results')).toEqual([]);
    await b.page.locator('#bulk-results-close').click();
    for (const id of [bulk1A, bulk2A, penaltyA]) await b.page.getByTestId(`claim-${id}`).waitFor({ state: 'detached', timeout: 30_000 });
    const rejected = await until(() => audit(bulkM1), (entries) => entries.some((e) => e.action === 'APPEAL.REJECT'), 'the bulk rejection in the audit trail');
    expect(rejected.find((e) => e.action === 'APPEAL.REJECT')).toMatchObject({ actor: REVIEWER_B.username, reason: 'The purchase invoice expired before the violation.' });

    // A assigns the appeal to B (typing a colleague's sign-in name); then B holds it and decides it.
    await a.page.getByTestId(`assign-${claimedA}`).click();
    await a.page.locator('#assignee').fill(REVIEWER_B.username);
    await a.page.locator('#assign-ok').click();
    await a.page.getByTestId(`claimed-by-${claimedA}`).filter({ hasText: REVIEWER_B.username }).waitFor();
    await b.page.getByTestId(`claimed-by-${claimedA}`).filter({ hasText: `${REVIEWER_B.username} (you)` }).waitFor();
    await until(() => audit(claimedM), (entries) => entries.some((e) => e.action === 'APPEAL.ASSIGN' && e.actor === REVIEWER_A.username), 'the assignment in the audit trail');

    // The evidence viewer: each document's kind (translated, code on hover), issuer, validity and hash,
    // the expired one marked; what the read model keeps of the violation said plainly.
    await b.page.getByTestId(`evidence-${claimedA}`).click();
    const documents = b.page.getByTestId('evidence-documents');
    await documents.getByTitle('BRAND_AUTHORIZATION', { exact: true }).filter({ hasText: 'Brand authorisation' }).waitFor();
    const invoice = documents.locator('tr', { hasText: 'Wholesaler Ltd' });
    await invoice.getByText('expired').waitFor();
    await invoice.getByTitle('b'.repeat(64)).waitFor();
    expect(await documents.locator('tbody tr.ant-table-row').count()).toBe(2);
    // The sanction's violation as the detecting system reported it: its listings, each evidence item's kind, place (a link only for a web address) and hash.
    const violationEvidence = b.page.getByTestId('violation-evidence');
    const reported = violationEvidenceOf(claimedM);
    const evidenceRows = violationEvidence.locator('tbody tr.ant-table-row');
    await until(() => evidenceRows.count(), (n) => n === 2, 'a row per evidence item');
    for (const itemId of reported.itemIds) expect(await violationEvidence.getByText(itemId, { exact: true }).count()).toBe(2);
    expect(await violationEvidence.getByTitle('COUNTERFEIT_GOODS', { exact: true }).count()).toBe(2);
    const testPurchase = evidenceRows.filter({ hasText: 'TEST_PURCHASE' });
    expect(await testPurchase.locator('a').getAttribute('href')).toBe(reported.evidence[0].uri);
    await testPurchase.getByTitle('e'.repeat(64)).waitFor();
    const snapshot = evidenceRows.filter({ hasText: 'LISTING_SNAPSHOT' });
    expect(await snapshot.locator('a').count()).toBe(0);
    await snapshot.getByText(reported.evidence[1].uri, { exact: true }).waitFor();
    expect(await axeFindings(b.page, 'Review queue, evidence viewer (en)')).toEqual([]);
    await b.page.keyboard.press('Escape');
    await b.page.getByTestId('evidence-drawer').waitFor({ state: 'detached' });

    // Ids short, the whole id copied: the appeal's first 8 characters shown, the copy button puts all of it on the clipboard.
    await b.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: dashboard.url });
    const shortAppealId = b.page.getByTestId(`item-id-${claimedA}`);
    expect((await shortAppealId.innerText()).trim()).toBe(claimedA.slice(0, 8));
    expect(await shortAppealId.getAttribute('title')).toBe(claimedA);
    await shortAppealId.getByRole('button', { name: 'Copy' }).click();
    expect(await b.page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText())).toBe(claimedA);

    // In Chinese: the subject kind and the rejection reasons in the rulebook's words, the code on hover.
    await toChinese(b.page);
    const row = b.page.getByTestId('review-queue').locator(`tr[data-row-key="${claimedA}"]`);
    await row.getByTitle('SANCTION', { exact: true }).filter({ hasText: '处罚' }).waitFor();
    await row.getByTitle('APPEAL', { exact: true }).filter({ hasText: '申诉' }).waitFor();
    // The merchant's marketplace (no marketplace in its profile: the deployment's default).
    await row.getByTitle('tmall', { exact: true }).filter({ hasText: '天猫' }).waitFor();
    await b.page.locator(`.ant-select:has([aria-label="驳回原因 ${claimedA}"])`).click();
    await b.page.locator('.ant-select-dropdown:visible').getByTitle('MATERIALS_NOT_GENUINE', { exact: true }).filter({ hasText: '材料不真实' }).click();
    // The chosen option's dropdown closes before the evidence opens.
    await b.page.locator('.ant-select-dropdown:visible').first().waitFor({ state: 'hidden' });
    await b.page.getByTestId(`evidence-${claimedA}`).click();
    await documents.getByTitle('BRAND_AUTHORIZATION', { exact: true }).filter({ hasText: '品牌授权书' }).waitFor();
    expect(await axeFindings(b.page, 'Review queue, evidence viewer (zh)')).toEqual([]);
    await b.page.keyboard.press('Escape');
    await b.page.getByTestId('evidence-drawer').waitFor({ state: 'detached' });
    await toEnglish(b.page);

    // B, now the holder, rejects it with that reason; it leaves both queues.
    await b.page.getByTestId(`reject-${claimedA}`).click();
    for (const { page } of [a, b]) await page.getByTestId(`accept-${claimedA}`).waitFor({ state: 'detached', timeout: 30_000 });
    await until(() => audit(claimedM), (entries) => entries.some((e) => e.action === 'APPEAL.REJECT' && e.actor === REVIEWER_B.username), "B's decision in the audit trail");
    expect(await axeInBothLanguages(a.page, 'Review queue')).toEqual([]);

    // The merchant's page shows the case's trail: the note, the claim, the assignment and the decision, named in the page's language.
    await open(a.page, `#/merchants/${claimedM}`);
    const trail = a.page.getByTestId('merchant-audit');
    await trail.locator('tr', { has: a.page.getByTitle('APPEAL.NOTE', { exact: true }).filter({ hasText: 'Case note' }) }).getByText('Called the brand owner').waitFor({ timeout: 30_000 });
    await trail.locator('tr', { has: a.page.getByTitle('APPEAL.ASSIGN', { exact: true }) }).getByText(`assigned to ${REVIEWER_B.username}`).waitFor();
    await trail.getByTitle('APPEAL.CLAIM', { exact: true }).filter({ hasText: 'Appeal claimed' }).waitFor();
    await trail.getByTitle('APPEAL.REJECT', { exact: true }).filter({ hasText: 'Appeal rejected' }).waitFor();
    await a.context.close();
    await b.context.close();
  });

  it("lets two reviewers share a submitted remediation: one's claim refuses the other's review, the documents in the evidence viewer, a note, the holder's review", async () => {
    const merchantId = aMerchantId('rq-forgery');
    await stack.publish(Topics.MerchantsProfilesV1, [aProfileEvent({ merchantId })]);
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'QUALIFICATION_FORGERY', severity: 'STANDARD' })]);
    const sanctionUrl = stack.service('sanction-service').baseUrl;
    const [opened] = await until(
      async () => ((await (await fetch(`${sanctionUrl}/v1/merchants/${merchantId}/forgery-cases`, { headers: await stack.operatorHeaders('viewer') })).json()) as { items: { caseId: string }[] }).items,
      (items) => items.length === 1,
      'the forgery case',
    );
    const caseId = opened.caseId;
    const submitted = await fetch(`${sanctionUrl}/v1/forgery-cases/${caseId}/remediation`, { method: 'POST', headers: await stack.operatorHeaders('reviewer'), body: JSON.stringify({ documents: [EVIDENCE[0]] }) });
    expect(submitted.status).toBe(200);

    const a = await signedIn(REVIEWER_A);
    const b = await signedIn(REVIEWER_B);
    for (const { page } of [a, b]) {
      await open(page, '#/reviewQueue');
      await page.getByTestId(`claim-${caseId}`).waitFor({ timeout: 60_000 });
    }
    // A claims it; B sees the claim, and B's review is refused by the sanction service and said so.
    await a.page.getByTestId(`claim-${caseId}`).click();
    await a.page.getByTestId(`claimed-by-${caseId}`).filter({ hasText: `${REVIEWER_A.username} (you)` }).waitFor();
    await b.page.getByTestId(`claimed-by-${caseId}`).filter({ hasText: REVIEWER_A.username }).waitFor();
    expect(await b.page.getByTestId(`claim-${caseId}`).count()).toBe(0);
    await b.page.getByTestId(`accept-${caseId}`).click();
    await b.page.locator('.ant-message-error', { hasText: 'Claimed by another reviewer' }).waitFor();
    await b.page.locator('.ant-message-error', { hasText: REVIEWER_A.username }).waitFor();

    // The evidence viewer shows the submitted document: kind, issuer, hash.
    await b.page.getByTestId(`evidence-${caseId}`).click();
    const documents = b.page.getByTestId('evidence-documents');
    await documents.getByTitle('BRAND_AUTHORIZATION', { exact: true }).filter({ hasText: 'Brand authorisation' }).waitFor();
    await documents.locator('tr', { hasText: 'Brand Co.' }).getByTitle('a'.repeat(64)).waitFor();
    expect(await documents.locator('tbody tr.ant-table-row').count()).toBe(1);
    expect(await axeFindings(b.page, 'Review queue, remediation documents')).toEqual([]);
    await b.page.keyboard.press('Escape');
    await b.page.getByTestId('evidence-drawer').waitFor({ state: 'detached' });

    // A's case note goes to the sanction service's audit trail; A, the holder, accepts: it leaves both queues.
    await a.page.getByTestId(`note-${caseId}`).click();
    await a.page.locator('#note-text').fill('The brand confirmed the authorisation by phone.');
    await a.page.locator('#note-ok').click();
    await a.page.locator('#note-text').waitFor({ state: 'detached' });
    await until(() => audit(merchantId), (entries) => entries.some((e) => e.action === 'FORGERY.NOTE' && e.actor === REVIEWER_A.username), 'the note in the audit trail');
    await a.page.getByTestId(`accept-${caseId}`).click();
    for (const { page } of [a, b]) await page.getByTestId(`accept-${caseId}`).waitFor({ state: 'detached', timeout: 30_000 });
    const trail = await until(() => audit(merchantId), (entries) => entries.some((e) => e.action === 'FORGERY.ACCEPT_REMEDIATION'), 'the review in the audit trail');
    expect(trail.filter((e) => e.action.startsWith('FORGERY.')).map((e) => [e.action, e.actor]).reverse()).toEqual([
      ['FORGERY.SUBMIT_REMEDIATION', 'it-reviewer'],
      ['FORGERY.CLAIM_REMEDIATION', REVIEWER_A.username],
      ['FORGERY.NOTE', REVIEWER_A.username],
      ['FORGERY.ACCEPT_REMEDIATION', REVIEWER_A.username],
    ]);
    await a.context.close();
    await b.context.close();
  });

  it('reads in the operator\'s language with codes on hover, groups measures by sanction with one lift each, and hides test merchants until asked', async () => {
    const merchantId = aMerchantId('rq-readable');
    const testMerchant = aMerchantId('test-rq-readable');
    const sanctionId = await sanctioned(merchantId);
    await sanctioned(testMerchant);
    const { page, context } = await signedIn(ADMIN);
    await open(page, `#/merchants/${merchantId}`);

    // Summary first, then the sanction with its measures and its one lift action.
    const measures = page.getByTestId('active-measures');
    const group = measures.getByTestId(`sanction-${sanctionId}`);
    await group.locator('tbody tr.ant-table-row').nth(6).waitFor({ timeout: 60_000 });
    expect(await group.getByRole('button', { name: "Lift this sanction's measures" }).count()).toBe(1);
    const summaryBox = await page.getByTestId('merchant-summary').boundingBox();
    const measuresBox = await measures.boundingBox();
    expect(summaryBox!.y).toBeLessThan(measuresBox!.y);
    await page.getByTestId('summary-measures').filter({ hasText: '7' }).waitFor();
    // The sanction's id short, the whole on hover.
    await group.getByTitle(sanctionId, { exact: true }).filter({ hasText: sanctionId.slice(0, 8) }).first().waitFor();

    // Chinese: measures, exam chance state and sanction cause in the rulebook's terms, each code on hover.
    await toChinese(page);
    await group.getByTitle('COMMUNITY_RESTRICTION', { exact: true }).filter({ hasText: '限制社区功能' }).waitFor();
    await group.getByTitle('STORE_SHIELDING', { exact: true }).filter({ hasText: '店铺屏蔽' }).waitFor();
    await group.getByTitle('LADDER_NODE', { exact: true }).filter({ hasText: '严重违规扣分节点' }).waitFor();
    await page.getByTestId('exam-chance-status').getByTitle('NOT_GRANTED', { exact: true }).filter({ hasText: '未授予' }).waitFor();
    await page.getByTestId('timeline').getByTitle('SANCTION_IMPOSED', { exact: true }).filter({ hasText: '处罚生效' }).waitFor();
    await page.getByTestId('deadlines').getByTitle('APPEAL_WINDOW', { exact: true }).filter({ hasText: '申诉期' }).waitFor();
    await toEnglish(page);
    await group.getByTitle('COMMUNITY_RESTRICTION', { exact: true }).filter({ hasText: 'Community restriction' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await axeInBothLanguages(page, "A merchant's page")).toEqual([]);

    // Merchants: a test merchant (id starting with test-) is hidden until the switch shows it, then tagged.
    await open(page, '#/merchants');
    await page.locator('#merchant-search').fill('rq-readable');
    await page.getByTestId(`merchant-${merchantId}`).waitFor();
    await page.getByTestId('merchants-total').filter({ hasText: 'Total 1' }).waitFor();
    expect(await page.getByTestId(`merchant-${testMerchant}`).count()).toBe(0);
    await page.locator('#merchant-show-test').click();
    await page.getByTestId(`merchant-${testMerchant}`).waitFor();
    await page.getByTestId('merchants-total').filter({ hasText: 'Total 2' }).waitFor();
    await page.getByTestId('merchants').locator(`tr[data-row-key="${testMerchant}"]`).getByText('test', { exact: true }).waitFor();
    await page.locator('#merchant-show-test').click();
    await page.getByTestId(`merchant-${testMerchant}`).waitFor({ state: 'detached' });
    await page.waitForLoadState('networkidle');
    expect(await axeInBothLanguages(page, 'Merchants (test merchants hidden)')).toEqual([]);
    await context.close();
  });
});
