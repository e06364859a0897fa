import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { axeFindings } from './axe-findings';
import { launchChromium } from './chromium';
import { chooseFilter, exportedCsv, hideColumn, rowTexts, until } from './dashboard-tables';
import { Topics } from '@penalty/contracts';
import { aMerchantId, aProfileEvent, aViolationEvent, DashboardProcess, PipelineStack, TopicRecorder } from '@penalty/testing';

const repoRoot = path.resolve(__dirname, '../../..');
const screenshots = path.join(repoRoot, 'docs/screenshots');
const REVIEWER = { username: 'rev.zhang', password: 'a reviewer passphrase for e2e' };

/**
 * The ops dashboard in Debian's Chromium (playwright-core, no downloaded browser) against the real
 * stack: sign in as a reviewer, find a merchant who crossed the 12-point node, see its measures and
 * deadlines, accept its appeal in the review queue and watch the measures disappear. Each page is
 * saved as a screenshot under docs/screenshots/. Every page runs under the server's Content-Security-
 * Policy, and a test fails on any violation the browser reports.
 */
describe('ops dashboard in a real browser (real Kafka + PostgreSQL)', () => {
  const stack = new PipelineStack({ env: { BOOTSTRAP_ADMIN_USERNAME: 'root-admin', BOOTSTRAP_ADMIN_PASSWORD: 'correct horse battery staple', COOKIE_SECURE: 'false' } });
  let recorder: TopicRecorder;
  const dashboard = new DashboardProcess(stack);
  let dashboardUrl: string;
  let browser: Browser;
  let page: Page;
  /** What the browser said about the Content-Security-Policy (refused scripts, styles, connections …). */
  const cspViolations: string[] = [];
  const watchCsp = (on: Page) => {
    on.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(`${on.url()}: ${message.text()}`);
    });
    return on;
  };

  beforeAll(async () => {
    await stack.start();
    recorder = new TopicRecorder(stack.brokers, [stack.topic(Topics.SanctionsDecidedV1), stack.topic(Topics.ViolationsDetectedV1), stack.topic(Topics.RemediesUpdatedV1)]);
    await recorder.start();
    await dashboard.start();
    dashboardUrl = dashboard.url;
    browser = await launchChromium();
    page = watchCsp(await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-US', timezoneId: 'Europe/Berlin' }));
    mkdirSync(screenshots, { recursive: true });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await dashboard.stop();
    await recorder?.stop();
    await stack.stop();
    if (dashboard.logs().includes('Error')) console.warn(`ops-dashboard logged:\n${dashboard.logs().slice(-4000)}`);
  });

  afterEach(() => {
    const seen = cspViolations.splice(0);
    expect(seen).toEqual([]);
  });

  const shot = (name: string) => page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });

  /** A fresh browser context signed in as the bootstrap admin, in English. */
  async function adminPage(): Promise<{ admin: Page; close: () => Promise<void> }> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    const admin = watchCsp(await context.newPage());
    await admin.goto(dashboardUrl);
    await admin.locator('#username').fill('root-admin');
    await admin.locator('#password').fill('correct horse battery staple');
    await admin.locator('#sign-in').click();
    await admin.getByTestId('me').filter({ hasText: 'root-admin' }).waitFor();
    await admin.getByText('EN', { exact: true }).click();
    return { admin, close: () => context.close() };
  }

  /** Fills the reason dialog that every audited operator action opens, and confirms it. */
  async function giveReason(on: Page, reason: string): Promise<void> {
    await on.locator('#reason-text:visible').fill(reason);
    await on.locator('#reason-ok:visible').click();
    await on.locator('#reason-text').waitFor({ state: 'detached' });
  }

  it('lets a reviewer find a merchant past the 12-point node, accept its appeal and see the measures lifted', async () => {
    const admin = await stack.operatorHeaders('admin');
    const created = await fetch(`${stack.service('api').baseUrl}/v1/operators`, { method: 'POST', headers: admin, body: JSON.stringify({ ...REVIEWER, roles: ['reviewer'] }) });
    expect(created.status).toBe(201);
    const merchantId = aMerchantId('dash');
    await stack.publish(Topics.MerchantsProfilesV1, [aProfileEvent({ merchantId })]);
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'COUNTERFEIT_GOODS', severity: 'STANDARD' })]);
    const [imposed] = await recorder.waitFor((m) => m.key === merchantId && m.json?.type === 'sanction.imposed.v1');
    const sanctionId: string = imposed.json!.data.sanctionId;
    // The merchant appeals (filed by a reviewer on its behalf, as the merchant center would).
    const filed = await fetch(`${stack.service('sanction-service').baseUrl}/v1/sanctions/${sanctionId}/appeals`, {
      method: 'POST', headers: await stack.operatorHeaders('reviewer'),
      body: JSON.stringify({ statement: 'The goods are genuine; invoices attached.', evidence: [{ kind: 'PURCHASE_INVOICE', issuer: 'Brand Co.', validFrom: '2026-01-01T00:00:00+08:00', validUntil: '2027-12-31T00:00:00+08:00', sha256: 'c'.repeat(64) }] }),
    });
    expect(filed.status).toBe(201);

    // Sign in.
    await page.goto(dashboardUrl);
    await page.locator('#username').fill(REVIEWER.username);
    await page.locator('#password').fill('wrong password');
    await page.locator('#sign-in').click();
    await page.getByTestId('sign-in-error').waitFor();
    await page.locator('#password').fill(REVIEWER.password);
    await shot('sign-in');
    await page.locator('#sign-in').click();
    await page.getByTestId('me').filter({ hasText: REVIEWER.username }).waitFor();
    await page.getByText('EN', { exact: true }).click();

    // Overview, with live figures streamed from the services' metrics.
    await page.getByTestId('overview').waitFor();
    await page.waitForTimeout(2_500);
    await shot('overview');
    // The stream the figures come from takes the page's session.
    const liveStatus = await page.evaluate(async () => {
      const controller = new AbortController();
      const response = await fetch('/live', { signal: controller.signal });
      controller.abort();
      return response.status;
    });
    expect(liveStatus).toBe(200);

    // Find the merchant; its page shows the 12-point node's measures and the open deadlines.
    await page.getByRole('menuitem', { name: 'Merchants' }).click();
    await page.locator('#merchant-search').fill(merchantId);
    await page.getByTestId(`merchant-${merchantId}`).click();
    await page.getByTestId('serious-points').filter({ hasText: '12' }).waitFor();
    const measures = page.getByTestId('active-measures');
    // In the page's language, the code on hover; the node's seven measures under their one sanction.
    await measures.getByTitle('STORE_SHIELDING', { exact: true }).filter({ hasText: 'Store shielding' }).waitFor();
    expect(await measures.locator('tbody tr.ant-table-row').count()).toBe(7);
    expect(await measures.getByTestId(`sanction-${sanctionId}`).locator('tbody tr.ant-table-row').count()).toBe(7);
    // The fine left the deposit short: a top-up deadline (the sanction's appeal window is in use).
    await page.getByTestId('deadlines').getByTitle('DEPOSIT_TOP_UP', { exact: true }).waitFor();
    // The timeline: the 12 points assessed, then the node's sanction; points per natural year.
    await page.getByTestId('timeline').getByTitle('SANCTION_IMPOSED', { exact: true }).waitFor();
    await page.getByTestId('timeline').getByTitle('POINTS_ASSESSED', { exact: true }).waitFor();
    await page.getByTestId('points-by-year').getByText('2026', { exact: true }).waitFor(); // the violation mother's occurredAt
    await shot('merchant');

    // Accept the appeal in the review queue.
    await page.getByRole('menuitem', { name: 'Review queue' }).click();
    const queue = page.getByTestId('review-queue');
    await queue.getByText(merchantId).waitFor();
    const appealId = ((await filed.json()) as { appealId: string }).appealId;
    await page.getByTestId(`countdown-${appealId}`).waitFor();
    await shot('review-queue');
    // The evidence viewer: the filed document with its issuer, validity and hash.
    await page.getByTestId(`evidence-${appealId}`).click();
    const documents = page.getByTestId('evidence-documents');
    await documents.getByTitle('PURCHASE_INVOICE', { exact: true }).waitFor();
    await documents.getByText('Brand Co.').waitFor();
    await documents.getByTitle('c'.repeat(64)).waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('evidence-drawer').waitFor({ state: 'detached' });
    await page.getByTestId(`accept-${appealId}`).click();
    await queue.getByText(merchantId).waitFor({ state: 'detached' });
    const [lifted] = await recorder.waitFor((m) => m.key === merchantId && m.json?.type === 'sanction.lifted.v1');
    expect(lifted.json!.data).toMatchObject({ sanctionId, reason: 'APPEAL_ACCEPTED' });

    // Back on the merchant's page the measures are gone.
    await page.goto(`${dashboardUrl}/#/merchants/${merchantId}`);
    await page.getByTestId('serious-points').waitFor();
    await page.getByTestId('active-measures').locator('tbody tr.ant-table-row').first().waitFor({ state: 'detached', timeout: 30_000 });
    await page.getByTestId('timeline').getByTitle('MEASURES_LIFTED', { exact: true }).waitFor();
    await shot('merchant-after-appeal');

    // The rules the services run with.
    await page.getByRole('menuitem', { name: 'Rules' }).click();
    await page.getByTestId('rules').getByText('QUALIFICATION_FORGERY').waitFor();
    await shot('rules');
  });

  it('lets an admin replay a dead letter to its source topic, once', async () => {
    const merchantId = aMerchantId('poison');
    const poison = aViolationEvent({ merchantId, severity: 'HUGE' as never });
    await stack.publish(Topics.ViolationsDetectedV1, [poison]);

    const { admin, close } = await adminPage();
    await admin.getByRole('menuitem', { name: 'Dead letters' }).click();
    // The replayed copy is dead-lettered again (it is still invalid): follow the original row by its key.
    const firstRow = admin.getByTestId('dead-letters').locator('tr', { hasText: merchantId });
    await firstRow.getByTitle('DATA_INVALID', { exact: true }).filter({ hasText: 'Data invalid' }).waitFor({ timeout: 60_000 });
    const row = admin.locator(`tr[data-row-key="${await firstRow.getAttribute('data-row-key')}"]`);
    await row.locator('input[type="checkbox"]').check();
    await admin.locator('#replay-reason').fill('severity mapping fixed upstream');
    await admin.screenshot({ path: path.join(screenshots, 'dead-letters.png'), fullPage: true });
    await admin.locator('#replay').click();
    await row.getByText('root-admin').waitFor();

    // The original message went back to violations.detected.v1, marked as a replay; the checkbox is now disabled.
    const copies = await recorder.waitFor((m) => m.key === merchantId && m.topic === stack.topic(Topics.ViolationsDetectedV1), 2);
    expect(copies[1].value).toBe(copies[0].value);
    expect(copies[1].headers['x-replayed-from']).toMatch(/^violations\.detected\.v1\.dlq\[\d+\]@\d+$/);
    expect(await row.locator('input[type="checkbox"]').isDisabled()).toBe(true);
    // Replaying it again does nothing more.
    const headers = await stack.operatorHeaders('admin');
    const listed = (await (await fetch(`${stack.service('api').baseUrl}/v1/ops/dead-letters`, { headers })).json()) as { items: { topic: string; partition: number; offset: string; key: string; replayedBy: string | null }[] };
    const letter = listed.items.find((d) => d.key === merchantId && d.replayedBy === 'root-admin')!;
    const again = await fetch(`${stack.service('api').baseUrl}/v1/ops/dead-letters/replays`, {
      method: 'POST', headers, body: JSON.stringify({ deadLetters: [{ topic: letter.topic, partition: letter.partition, offset: letter.offset }], reason: 'clicked twice' }),
    });
    expect(await again.json()).toEqual({ replayed: 0, alreadyReplayed: 1 });
    // Reviewers may browse but not replay.
    const asReviewer = await fetch(`${stack.service('api').baseUrl}/v1/ops/dead-letters/replays`, {
      method: 'POST', headers: await stack.operatorHeaders('reviewer'), body: JSON.stringify({ deadLetters: [{ topic: letter.topic, partition: letter.partition, offset: letter.offset }], reason: 'not mine' }),
    });
    expect(asReviewer.status).toBe(403);
    await close();
  });

  it('lets an admin manage operators and API keys: an issued key works until it is revoked in the page', async () => {
    const { admin, close } = await adminPage();
    await admin.getByRole('menuitem', { name: 'Access' }).click();
    await admin.getByTestId('operators').getByText('root-admin').waitFor();

    // A new viewer account, then disabled.
    await admin.locator('#new-operator').click();
    await admin.locator('#operator-username').fill('viewer.li');
    await admin.locator('#operator-password').fill('a viewer passphrase for e2e');
    await admin.locator('#create-operator').click();
    const viewerRow = admin.getByTestId('operators').locator('tr', { hasText: 'viewer.li' });
    await viewerRow.getByTitle('viewer', { exact: true }).filter({ hasText: 'Viewer' }).waitFor();
    await viewerRow.getByText('All marketplaces').waitFor();
    // A reviewer for one marketplace: the roles are kept with it, and shown.
    await admin.locator('#new-operator').click();
    await admin.locator('#operator-username').fill('reviewer.global');
    await admin.locator('#operator-password').fill('a reviewer passphrase for e2e');
    await admin.getByRole('dialog').getByTitle('reviewer', { exact: true }).filter({ hasText: 'Reviewer' }).click();
    await admin.locator('#operator-marketplaces').click();
    await admin.locator('.ant-select-dropdown:visible').getByTitle('tmall-global', { exact: true }).click();
    await admin.keyboard.press('Escape');
    await admin.locator('#create-operator').click();
    const scopedRow = admin.getByTestId('operators').locator('tr', { hasText: 'reviewer.global' });
    await scopedRow.getByTitle('tmall-global', { exact: true }).filter({ hasText: 'Tmall Global' }).waitFor();
    const scopedSignIn = await fetch(`${stack.service('api').baseUrl}/v1/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'reviewer.global', password: 'a reviewer passphrase for e2e' }) });
    expect(await scopedSignIn.json()).toMatchObject({ roles: expect.arrayContaining(['reviewer']), marketplaces: ['tmall-global'] });
    const signIn = (password: string) => fetch(`${stack.service('api').baseUrl}/v1/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'viewer.li', password }) });
    expect((await signIn('a viewer passphrase for e2e')).status).toBe(200);
    await admin.getByTestId('disable-viewer.li').click();
    await admin.locator('#confirm-disable').click();
    await viewerRow.getByText('disabled').waitFor();
    expect((await signIn('a viewer passphrase for e2e')).status).toBe(401);
    // An admin cannot disable their own account (the page offers no button; the api refuses it).
    expect(await admin.getByTestId('disable-root-admin').count()).toBe(0);
    const selfDisable = await admin.evaluate(async () => {
      const { cookie } = (globalThis as unknown as { document: { cookie: string } }).document;
      const csrf = /(?:^|;\s*)penalty_csrf=([^;]+)/.exec(cookie)?.[1] ?? '';
      const response = await fetch('/svc/api/v1/operators/root-admin/disabling', { method: 'POST', headers: { 'x-csrf-token': csrf } });
      return { status: response.status, code: ((await response.json()) as { code?: string }).code };
    });
    expect(selfDisable).toEqual({ status: 409, code: 'OPERATOR.SELF_DISABLE' });

    // An API key for a platform system: shown once, works, then revoked with a reason and refused at once.
    await admin.locator('#new-api-key').click();
    await admin.locator('#api-key-name').fill('listing-audit');
    await admin.locator('#create-api-key').click();
    const key = (await admin.getByTestId('issued-key').innerText()).trim();
    expect(key).toMatch(/^pk_/);
    await admin.screenshot({ path: path.join(screenshots, 'api-key-issued.png') });
    await admin.locator('#key-noted').click();
    const send = () => fetch(`${stack.service('api').baseUrl}/v1/violations`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify(aViolationEvent({ merchantId: aMerchantId('key') })) });
    expect((await send()).status).toBe(202);
    await admin.getByTestId('revoke-listing-audit').click();
    await giveReason(admin, 'system decommissioned');
    await admin.getByTestId('api-keys').locator('tr', { hasText: 'listing-audit' }).getByText('revoked').waitFor();
    expect((await send()).status).toBe(401);

    // Every one of those actions is in the audit trail, with who did it and why.
    const audit = admin.getByTestId('audit');
    // Actions in the page's language, the code on hover.
    await audit.getByTitle('API_KEY.REVOKE', { exact: true }).filter({ hasText: 'API key revoked' }).waitFor();
    await audit.locator('tr', { has: admin.getByTitle('API_KEY.REVOKE', { exact: true }) }).getByText('system decommissioned').waitFor();
    await audit.getByTitle('OPERATOR.DISABLE', { exact: true }).filter({ hasText: 'Operator disabled' }).waitFor();
    await audit.getByTitle('OPERATOR.CREATE', { exact: true }).first().waitFor();
    await admin.screenshot({ path: path.join(screenshots, 'access.png'), fullPage: true });
    await close();
  });

  it("lets operators act on a merchant's page: grant and void an exam chance, record a deposit payment, lift a measure", async () => {
    const merchantId = aMerchantId('acts');
    await stack.publish(Topics.MerchantsProfilesV1, [aProfileEvent({ merchantId, examEligible: true })]);
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'COUNTERFEIT_GOODS', severity: 'STANDARD' })]);
    const [imposed] = await recorder.waitFor((m) => m.key === merchantId && m.json?.type === 'sanction.imposed.v1');
    const sanctionId: string = imposed.json!.data.sanctionId;

    const { admin, close } = await adminPage();
    await admin.goto(`${dashboardUrl}/#/merchants/${merchantId}`);
    await admin.getByTestId('active-measures').getByTitle('STORE_SHIELDING', { exact: true }).waitFor();

    // An exam chance granted, then voided: both audited with the operator's words.
    const chances = admin.getByTestId('exam-chances');
    await admin.locator('#grant-exam-chance').click();
    await giveReason(admin, 'eligible after review of the store history');
    await chances.getByTitle('GRANTED', { exact: true }).waitFor();
    await chances.getByRole('button', { name: 'Void' }).click();
    await giveReason(admin, 'granted by mistake');
    await chances.getByTitle('VOIDED', { exact: true }).waitFor();

    // A deposit payment: the fine of the 12-point node left the deposit short.
    await admin.locator('#record-payment').click();
    await admin.locator('#payment-id').fill(`pay-${merchantId}`);
    await admin.locator('#payment-amount').fill('30000');
    await admin.locator('#payment-ok').click();
    const [deposit] = await recorder.waitFor((m) => m.key === merchantId && m.json?.type === 'deposit.updated.v1' && m.json.data.change?.kind === 'PAYMENT');
    expect(deposit.json!.data.change).toMatchObject({ amountFen: 3_000_000, reference: `pay-${merchantId}` });

    // The sanction's measures lifted by hand, ahead of their end, with its one action: every measure is
    // chosen at first; store shielding unticked stays in force.
    const measureTypes: string[] = imposed.json!.data.measures.map((m: { type: string }) => m.type);
    await admin.getByTestId(`lift-sanction-${sanctionId}`).click();
    await admin.getByTestId('lift-measures').getByLabel('Store shielding').uncheck();
    await giveReason(admin, 'measures lifted after the merchant recalled the goods');
    const [lifted] = await recorder.waitFor((m) => m.key === merchantId && m.json?.type === 'sanction.lifted.v1');
    expect(lifted.json!.data).toMatchObject({ sanctionId, reason: 'OPERATOR' });
    expect([...lifted.json!.data.measureTypes].sort()).toEqual(measureTypes.filter((m) => m !== 'STORE_SHIELDING').sort());
    await until(() => admin.getByTestId('active-measures').locator('tbody tr.ant-table-row').count(), (n) => n === 1, 'only store shielding left in force');
    await admin.getByTestId('active-measures').getByTitle('STORE_SHIELDING', { exact: true }).waitFor();

    const audit = admin.getByTestId('merchant-audit');
    for (const action of ['EXAM.GRANT', 'EXAM.VOID', 'DEPOSIT.PAYMENT', 'SANCTION.LIFT']) await audit.getByTitle(action, { exact: true }).waitFor({ timeout: 15_000 });
    await admin.screenshot({ path: path.join(screenshots, 'merchant-operator-actions.png'), fullPage: true });
    await close();
  });

  it('sorts, filters, hides a column and exports the filtered rows as CSV on the notifications, audit and dead-letter tables', async () => {
    const api = stack.service('api').baseUrl;
    const adminHeaders = await stack.operatorHeaders('admin');
    // A merchant with notifications: the points assessed and the sanction imposed, each in the inbox.
    const merchantId = aMerchantId('tables');
    await stack.publish(Topics.MerchantsProfilesV1, [aProfileEvent({ merchantId })]);
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'COUNTERFEIT_GOODS', severity: 'STANDARD' })]);
    type Notification = { notificationId: string; channel: string; status: string; attempts: number; createdAt: string };
    const inbox = (order: 'asc' | 'desc') =>
      fetch(`${stack.service('notification-service').baseUrl}/v1/merchants/${merchantId}/notifications?channel=INBOX&sort=createdAt&order=${order}&limit=100`, { headers: adminHeaders })
        .then((r) => r.json() as Promise<{ items: Notification[]; total: number }>);
    await until(() => inbox('asc'), (r) => r.total >= 2, 'two inbox notifications', 60_000);
    // The decision's notifications all written (the same count three seconds apart) before the page is read.
    let notifications = await inbox('asc');
    for (let settled = false; !settled; ) {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const again = await inbox('asc');
      settled = again.total === notifications.total;
      notifications = again;
    }
    // Two operators created (audited), and three poison messages dead-lettered: two invalid, one unparseable.
    for (const username of ['tables.ann', 'tables.bob']) {
      const created = await fetch(`${api}/v1/operators`, { method: 'POST', headers: adminHeaders, body: JSON.stringify({ username, password: 'a table passphrase for e2e', roles: ['viewer'] }) });
      expect(created.status).toBe(201);
    }
    const [poisonA, poisonB, poisonC] = [aMerchantId('tblpoison-a'), aMerchantId('tblpoison-b'), aMerchantId('tblpoison-c')];
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId: poisonA, severity: 'HUGE' as never }), aViolationEvent({ merchantId: poisonB, severity: 'HUGE' as never })]);
    await stack.publishRaw(Topics.ViolationsDetectedV1, [{ key: poisonC, value: 'not json {' }]);
    type DeadLetter = { key: string; reason: string; sourceTopic: string; deadAt: string; replayedAt: string | null; message: string };
    const letters = () => fetch(`${api}/v1/ops/dead-letters?query=tblpoison&limit=100`, { headers: adminHeaders }).then((r) => r.json() as Promise<{ items: DeadLetter[]; total: number }>);
    await until(() => letters(), (r) => r.total === 3, 'three dead letters', 60_000);

    const { admin, close } = await adminPage();

    // Notifications on the merchant's page: the inbox's only, oldest first, without the template.
    await admin.goto(`${dashboardUrl}/#/merchants/${merchantId}`);
    await admin.getByTestId('notifications').locator('tbody tr.ant-table-row').first().waitFor({ timeout: 30_000 });
    await chooseFilter(admin, 'notifications-filter-channel', 'Inbox');
    await until(() => admin.getByTestId('notifications-total').innerText(), (text) => text.endsWith(` ${notifications.total}`), 'the inbox total');
    const createdHeader = admin.getByTestId('notifications').locator('thead th', { hasText: 'Created' });
    await createdHeader.click();
    await until(() => createdHeader.getAttribute('aria-sort'), (v) => v === 'descending', 'newest first');
    await createdHeader.click();
    await until(() => createdHeader.getAttribute('aria-sort'), (v) => v === 'ascending', 'oldest first');
    // Each row names its notification by the id's last 8 characters (time-ordered ids share their first).
    const rowIds = async () => (await rowTexts(admin, 'notifications')).map((text) => notifications.items.find((n) => text.includes(n.notificationId.slice(-8)))?.notificationId ?? text);
    await until(rowIds, (ids) => ids.join() === notifications.items.map((n) => n.notificationId).join(), 'inbox oldest first');
    await hideColumn(admin, 'notifications', 'Template');
    const notificationCsv = await exportedCsv(admin, 'notifications');
    expect(notificationCsv).toEqual([
      ['ID', 'Channel', 'Status', 'Attempts', 'Created'],
      ...notifications.items.map((n) => [n.notificationId, 'INBOX', n.status, String(n.attempts), n.createdAt]),
    ]);
    expect(await axeFindings(admin, "a merchant's tables with a filter chosen")).toEqual([]);

    // The api's audit trail on Access: operator accounts created, by part of the name, each way by time, without the reason.
    await admin.getByRole('menuitem', { name: 'Access' }).click();
    await admin.locator('#audit-search').fill('tables.');
    await chooseFilter(admin, 'audit-filter-action', 'Operator created');
    await until(() => admin.getByTestId('audit-total').innerText(), (text) => text.endsWith(' 2'), 'two accounts created');
    const whenHeader = admin.getByTestId('audit').locator('thead th', { hasText: 'When' });
    await whenHeader.click();
    await until(() => whenHeader.getAttribute('aria-sort'), (v) => v === 'descending', 'newest first');
    await until(async () => (await rowTexts(admin, 'audit')).map((text) => (text.includes('tables.bob') ? 'bob' : text.includes('tables.ann') ? 'ann' : text)), (names) => names.join() === 'bob,ann', 'bob then ann');
    await whenHeader.click();
    await until(async () => (await rowTexts(admin, 'audit')).map((text) => (text.includes('tables.bob') ? 'bob' : 'ann')), (names) => names.join() === 'ann,bob', 'ann then bob');
    await hideColumn(admin, 'audit', 'Reason');
    type Entry = { occurredAt: string; actor: string; action: string; subjectType: string; subjectId: string; merchantId: string };
    const trail = (await (await fetch(`${api}/v1/audit?action=OPERATOR.CREATE&query=tables.&sort=occurredAt&order=asc`, { headers: adminHeaders })).json()) as { items: Entry[] };
    expect(trail.items.map((e) => e.subjectId)).toEqual(['tables.ann', 'tables.bob']);
    const auditCsv = await exportedCsv(admin, 'audit');
    expect(auditCsv).toEqual([
      ['When', 'Who', 'What', 'Subject', 'ID', 'Merchant'],
      ...trail.items.map((e) => [e.occurredAt, e.actor, 'OPERATOR.CREATE', 'OPERATOR', e.subjectId, e.merchantId]),
    ]);

    // Dead letters: the two invalid ones of this test, by key Z to A, without the detail.
    await admin.getByRole('menuitem', { name: 'Dead letters' }).click();
    await admin.locator('#dead-letters-search').fill('tblpoison');
    await until(() => admin.getByTestId('dead-letters-total').innerText(), (text) => text.endsWith(' 3'), 'three dead letters');
    await chooseFilter(admin, 'dead-letters-filter-reason', 'Data invalid');
    await until(() => admin.getByTestId('dead-letters-total').innerText(), (text) => text.endsWith(' 2'), 'the two invalid ones');
    const keyHeader = admin.getByTestId('dead-letters').locator('thead th', { hasText: 'Key' });
    await keyHeader.click();
    await until(async () => (await rowTexts(admin, 'dead-letters')).map((text) => (text.includes(poisonA) ? 'a' : text.includes(poisonB) ? 'b' : text)), (keys) => keys.join() === 'a,b', 'a then b');
    await keyHeader.click();
    await until(async () => (await rowTexts(admin, 'dead-letters')).map((text) => (text.includes(poisonA) ? 'a' : text.includes(poisonB) ? 'b' : text)), (keys) => keys.join() === 'b,a', 'b then a');
    await hideColumn(admin, 'dead-letters', 'Detail');
    const byKey = new Map((await letters()).items.map((d) => [d.key, d]));
    const deadCsv = await exportedCsv(admin, 'dead-letters');
    expect(deadCsv).toEqual([
      ['Topic', 'Reason', 'Key', 'Dead-lettered', 'Replayed'],
      ...[poisonB, poisonA].map((key) => [byKey.get(key)!.sourceTopic, 'DATA_INVALID', key, byKey.get(key)!.deadAt, '']),
    ]);
    expect(await axeFindings(admin, 'dead letters with a filter chosen')).toEqual([]);
    // The chosen columns are remembered: after a reload the detail is still hidden.
    await admin.reload();
    await admin.getByTestId('dead-letters').locator('thead th', { hasText: 'Key' }).waitFor();
    expect(await admin.getByTestId('dead-letters').locator('thead th', { hasText: 'Detail' }).count()).toBe(0);
    await close();
  });

  it('keeps the review queue from a viewer', async () => {
    const context = await browser.newContext();
    const viewerPage = watchCsp(await context.newPage());
    const token = await stack.operatorToken('viewer');
    const response = await viewerPage.request.get(`${dashboardUrl}/svc/api/v1/ops/review-queue`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status()).toBe(403);
    await context.close();
  });
});
