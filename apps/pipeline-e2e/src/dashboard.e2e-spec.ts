import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Topics } from '@penalty/contracts';
import { aMerchantId, aProfileEvent, aViolationEvent, freePort, PipelineStack, TopicRecorder } from '@penalty/testing';

const repoRoot = path.resolve(__dirname, '../../..');
const screenshots = path.join(repoRoot, 'docs/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const REVIEWER = { username: 'rev.zhang', password: 'a reviewer passphrase for e2e' };

/**
 * The ops dashboard in Debian's Chromium (playwright-core, no downloaded browser) against the real
 * stack: sign in as a reviewer, find a merchant who crossed the 12-point node, see its measures and
 * deadlines, accept its appeal in the review queue and watch the measures disappear. Each page is
 * saved as a screenshot under docs/screenshots/.
 */
describe('ops dashboard in a real browser (real Kafka + PostgreSQL)', () => {
  const stack = new PipelineStack({ env: { BOOTSTRAP_ADMIN_USERNAME: 'root-admin', BOOTSTRAP_ADMIN_PASSWORD: 'correct horse battery staple', COOKIE_SECURE: 'false' } });
  let recorder: TopicRecorder;
  let dashboard: ChildProcess;
  let dashboardUrl: string;
  let browser: Browser;
  let page: Page;
  let dashboardLog = '';

  beforeAll(async () => {
    if (!existsSync(path.join(repoRoot, 'apps/ops-dashboard/dist/index.html'))) {
      execFileSync('npx', ['vite', 'build', '-c', 'apps/ops-dashboard/vite.config.mts', '--logLevel', 'error'], { cwd: repoRoot, stdio: 'inherit' });
    }
    await stack.start();
    recorder = new TopicRecorder(stack.brokers, [stack.topic(Topics.SanctionsDecidedV1), stack.topic(Topics.ViolationsDetectedV1)]);
    await recorder.start();
    const port = await freePort();
    dashboardUrl = `http://127.0.0.1:${port}`;
    dashboard = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/ops-dashboard/server/main.ts'], {
      cwd: repoRoot,
      env: {
        ...process.env, HTTP_PORT: String(port), SCRAPE_INTERVAL_MS: '1000',
        API_URL: stack.service('api').baseUrl, SCORING_URL: stack.service('scoring-service').baseUrl,
        SANCTION_URL: stack.service('sanction-service').baseUrl, NOTIFICATION_URL: stack.service('notification-service').baseUrl,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    dashboard.stdout!.on('data', (c: Buffer) => (dashboardLog += c.toString()));
    dashboard.stderr!.on('data', (c: Buffer) => (dashboardLog += c.toString()));
    for (let i = 0; i < 120 && !(await fetch(dashboardUrl).then((r) => r.ok).catch(() => false)); i++) await new Promise((r) => setTimeout(r, 250));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // As root in a container; no background connections (this machine's network is closed).
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-US', timezoneId: 'Europe/Berlin' });
    mkdirSync(screenshots, { recursive: true });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    dashboard?.kill('SIGTERM');
    await recorder?.stop();
    await stack.stop();
    if (dashboardLog.includes('Error')) console.warn(`ops-dashboard logged:\n${dashboardLog.slice(-4000)}`);
  });

  const shot = (name: string) => page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });

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

    // Find the merchant; its page shows the 12-point node's measures and the open deadlines.
    await page.getByRole('menuitem', { name: 'Merchants' }).click();
    await page.locator('#merchant-search').fill(merchantId);
    await page.getByTestId(`merchant-${merchantId}`).click();
    await page.getByTestId('serious-points').filter({ hasText: '12' }).waitFor();
    const measures = page.getByTestId('active-measures');
    await measures.getByText('STORE_SHIELDING').waitFor();
    expect(await measures.locator('tbody tr.ant-table-row').count()).toBe(7);
    // The fine left the deposit short: a top-up deadline (the sanction's appeal window is in use).
    await page.getByTestId('deadlines').getByText('DEPOSIT_TOP_UP').waitFor();
    // The timeline: the 12 points assessed, then the node's sanction; points per natural year.
    await page.getByTestId('timeline').getByText('SANCTION_IMPOSED').waitFor();
    await page.getByTestId('timeline').getByText('POINTS_ASSESSED').waitFor();
    await page.getByTestId('points-by-year').getByText('2026', { exact: true }).waitFor(); // the violation mother's occurredAt
    await shot('merchant');

    // Accept the appeal in the review queue.
    await page.getByRole('menuitem', { name: 'Review queue' }).click();
    const queue = page.getByTestId('review-queue');
    await queue.getByText(merchantId).waitFor();
    await queue.getByText('PURCHASE_INVOICE · Brand Co.').waitFor();
    await shot('review-queue');
    await page.getByTestId(`accept-${((await filed.json()) as { appealId: string }).appealId}`).click();
    await queue.getByText(merchantId).waitFor({ state: 'detached' });
    const [lifted] = await recorder.waitFor((m) => m.key === merchantId && m.json?.type === 'sanction.lifted.v1');
    expect(lifted.json!.data).toMatchObject({ sanctionId, reason: 'APPEAL_ACCEPTED' });

    // Back on the merchant's page the measures are gone.
    await page.goto(`${dashboardUrl}/#/merchants/${merchantId}`);
    await page.getByTestId('serious-points').waitFor();
    await page.getByTestId('active-measures').locator('tbody tr.ant-table-row').first().waitFor({ state: 'detached', timeout: 30_000 });
    await page.getByTestId('timeline').getByText('MEASURES_LIFTED').waitFor();
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

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    const admin = await context.newPage();
    await admin.goto(dashboardUrl);
    await admin.locator('#username').fill('root-admin');
    await admin.locator('#password').fill('correct horse battery staple');
    await admin.locator('#sign-in').click();
    await admin.getByTestId('me').filter({ hasText: 'root-admin' }).waitFor();
    await admin.getByText('EN', { exact: true }).click();
    await admin.getByRole('menuitem', { name: 'Dead letters' }).click();
    const row = admin.getByTestId('dead-letters').locator('tr', { hasText: merchantId });
    await row.getByText('DATA_INVALID').waitFor({ timeout: 60_000 });
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
    await context.close();
  });

  it('keeps the review queue from a viewer', async () => {
    const context = await browser.newContext();
    const viewerPage = await context.newPage();
    const token = await stack.operatorToken('viewer');
    const response = await viewerPage.request.get(`${dashboardUrl}/svc/api/v1/ops/review-queue`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status()).toBe(403);
    await context.close();
  });
});
