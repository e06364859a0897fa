import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium';
import { axeInBothLanguages, openRoute, type Operator, signInToDashboard } from './dashboard-session';
import { Topics } from '@penalty/contracts';
import { aMerchantId, aViolationEvent, DashboardProcess, PipelineStack, SERVICE_APPS } from '@penalty/testing';

const ADMIN = { username: 'root-admin', password: 'correct horse battery staple' };
const SECOND_ADMIN = { username: 'admin.li', password: 'a second admin passphrase for the rule change' };
const DAY_MS = 86_400_000;
const SHANGHAI_MS = 8 * 3_600_000;
const screenshots = path.resolve(__dirname, '../../../docs/screenshots');
/** As the dashboard shows money (web/src/format.ts). */
const YUAN = new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'CNY' });
const yuan = (fen: number) => YUAN.format(fen / 100);

/** Waits until `read` answers what `done` accepts, else fails with the last answer. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    last = await read();
  }
  return last;
}

/** A date (YYYY-MM-DD) `days` after today in Asia/Shanghai. */
const shanghaiDateIn = (days: number) => new Date(Date.now() + SHANGHAI_MS + days * DAY_MS).toISOString().slice(0, 10);
/** An instant as RFC 3339 in Asia/Shanghai. */
const shanghaiInstant = (ms: number) => `${new Date(ms + SHANGHAI_MS).toISOString().slice(0, 19)}+08:00`;

interface Explanation { ruleVersion: string; ruleContentHash: string; outcome: { points: number }; asMade: { points: number }; reproduced: boolean; rules: { rule: string; values: Record<string, unknown> }[] }

/**
 * Issue 12 item 7 in Debian's Chromium against the real stack, the whole rule change of rulebook
 * section 9: an admin drafts a version from the one in force with one points cell changed and a date
 * a few days ahead, simulates it over the stored violations of the last 12 months and reads which
 * merchants it changes (charts, table, CSV, sample with reasons; earlier runs reopened); the author's
 * approval is refused, a second admin's goes through; the services' clocks are moved past the date
 * (restarted with CLOCK_OFFSET_MS) and a new violation is judged by the new version, which its
 * explanation (the api's and the dashboard's page of it) and the merchant page's points show.
 */
describe('ops dashboard: a rule change drafted, simulated, approved and applied (real Kafka + PostgreSQL)', () => {
  const stack = new PipelineStack({ env: { BOOTSTRAP_ADMIN_USERNAME: ADMIN.username, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password, COOKIE_SECURE: 'false' } });
  const dashboard = new DashboardProcess(stack);
  let browser: Browser;
  const cspViolations: string[] = [];

  const signedIn = (operator: Operator) => signInToDashboard(browser, dashboard.url, operator, cspViolations, { width: 1440, acceptDownloads: true });
  const open = openRoute;

  const explain = async (violationId: string): Promise<{ status: number; body: Explanation }> => {
    const response = await fetch(`${stack.service('scoring-service').baseUrl}/v1/decisions/${violationId}/explanation`, { headers: await stack.operatorHeaders('viewer') });
    return { status: response.status, body: (await response.json()) as Explanation };
  };

  beforeAll(async () => {
    await stack.start();
    await dashboard.start();
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await dashboard.stop();
    await stack.stop();
  });

  afterEach(() => {
    const seen = cspViolations.splice(0);
    expect(seen).toEqual([]);
  });

  it('drafts 2022-06-27 with SERIOUS/STANDARD at 6 points, simulates it over stored violations, gets it approved by a second admin, and judges a violation after its date by it', async () => {
    const created = await fetch(`${stack.service('api').baseUrl}/v1/operators`, { method: 'POST', headers: await stack.operatorHeaders('admin'), body: JSON.stringify({ ...SECOND_ADMIN, roles: ['admin'] }) });
    expect(created.status).toBe(201);

    // History, two days ago: a STANDARD counterfeit (12 serious points: the 12-point node), two of them
    // (24: the 24-point node too) and a MINOR one (6, a cell the draft leaves alone).
    const reachesNode = aMerchantId('rc-node');
    const twice = aMerchantId('rc-twice');
    const minor = aMerchantId('rc-minor');
    const twoDaysAgo = shanghaiInstant(Date.now() - 2 * DAY_MS);
    const standard = (merchantId: string) => aViolationEvent({ merchantId, code: 'COUNTERFEIT_GOODS', severity: 'STANDARD', occurredAt: twoDaysAgo });
    const stored = [standard(reachesNode), standard(twice), standard(twice), aViolationEvent({ merchantId: minor, code: 'COUNTERFEIT_GOODS', severity: 'MINOR', occurredAt: twoDaysAgo })];
    await stack.publish(Topics.ViolationsDetectedV1, stored);
    const judged = await until(() => Promise.all(stored.map((v) => explain(v.data.violationId))), (r) => r.every((e) => e.status === 200), 'the scoring service judged the history', 60_000);
    expect(judged.map((e) => [e.body.ruleVersion, e.body.outcome.points])).toEqual([['2022-06-27', 12], ['2022-06-27', 12], ['2022-06-27', 12], ['2022-06-27', 6]]);

    // Admin A drafts from the version in force, effective in three days, and changes one points cell.
    const versionId = `rc-${randomUUID().slice(0, 6)}`;
    const effectiveFrom = shanghaiDateIn(3);
    const { page, context } = await signedIn(ADMIN);
    await open(page, '#/rules');
    const versions = page.getByTestId('versions');
    await versions.locator('tr[data-row-key="2022-06-27"]').getByTestId('version-status').filter({ hasText: 'In force' }).waitFor();
    await page.getByTestId('draft-from-2022-06-27').click();
    await page.locator('#draft-version-id').fill(versionId);
    await page.locator('#draft-effective-from').fill(effectiveFrom);
    await page.locator('#create-draft').click();
    const row = versions.locator(`tr[data-row-key="${versionId}"]`);
    await row.getByTestId('version-status').filter({ hasText: 'Draft' }).waitFor();
    const editor = page.locator('#rule-data-json');
    await editor.waitFor();
    const ruleData = JSON.parse(await editor.inputValue()) as { points: { SERIOUS: { STANDARD: number } }; ladders: { SERIOUS: { node: number; fineFen: number | null }[] } };
    const fineAt = (node: number) => ruleData.ladders.SERIOUS.find((step) => step.node === node)!.fineFen!;
    expect(ruleData.points.SERIOUS.STANDARD).toBe(12);
    ruleData.points.SERIOUS.STANDARD = 6;
    await editor.fill(JSON.stringify(ruleData, null, 2));
    await page.locator('#save-draft').click();
    const changes = page.getByTestId('diff-changes').locator('tbody tr.ant-table-row');
    await until(() => changes.allInnerTexts(), (rows) => rows.length === 1, 'the diff lists the one changed cell');
    expect((await changes.first().locator('td').allInnerTexts()).map((s) => s.trim())).toEqual(['points.SERIOUS.STANDARD', '12', '6']);

    // Simulate it, over the default period: the last 12 months (to tomorrow, exclusive).
    await page.getByTestId(`simulate-${versionId}`).click();
    const simulation = page.getByTestId('simulation');
    await simulation.waitFor();
    expect(await page.locator('#simulation-to').inputValue()).toBe(shanghaiDateIn(1));
    expect(await page.locator('#simulation-from').inputValue()).toBe(`${Number(shanghaiDateIn(0).slice(0, 4)) - 1}${shanghaiDateIn(0).slice(4)}`);
    await simulation.getByTestId('simulation-runs').getByText('Not simulated yet').waitFor();
    // The page starts the run (queued, progress 0) and polls it until it is done (progress 1).
    const seen: { method: string; status: string; progress: number }[] = [];
    page.on('response', (response) => {
      // The run's own reads (GET …/simulations/<runId>) and its start (POST …/simulations), not the list of runs.
      const { pathname } = new URL(response.url());
      const start = response.request().method() === 'POST' && pathname.endsWith('/svc/scoring-service/v1/simulations');
      if (!start && !/\/svc\/scoring-service\/v1\/simulations\/[0-9a-f-]{36}$/.test(pathname)) return;
      void response.json().then((run: { status: string; progress: number }) => seen.push({ method: response.request().method(), status: run.status, progress: run.progress })).catch(() => undefined);
    });
    await page.locator('#simulation-run').click();
    const report = simulation.getByTestId('simulation-report');
    await report.waitFor({ timeout: 60_000 });
    await until(async () => seen, (s) => s.some((r) => r.method === 'GET' && r.status === 'DONE'), 'the page polled the run to its end');
    expect(seen[0]).toEqual({ method: 'POST', status: 'QUEUED', progress: 0 });
    expect(seen.filter((r) => r.method === 'GET').at(-1)).toEqual({ method: 'GET', status: 'DONE', progress: 1 });

    // Totals: two merchants of three change; the 12-point node is reached by one merchant-year less
    // (12 → 6), the 24-point one by none any more (24 → 12); their fines go with them.
    await report.getByTestId('merchants-changed').filter({ hasText: '2 / 3' }).waitFor();
    const nodeRows = (await report.getByTestId('simulation-nodes').locator('tbody tr.ant-table-row').allInnerTexts()).map((r) => r.split('\t').map((c) => c.trim()));
    expect(nodeRows).toContainEqual(['Serious', '12', '2', '1', '0', '1']);
    expect(nodeRows).toContainEqual(['Serious', '24', '1', '0', '0', '1']);
    expect(nodeRows.filter((r) => r[4] !== '0' || (r[5] !== '0' && r[1] !== '12' && r[1] !== '24'))).toEqual([]);
    await report.getByTestId('fines-before-after').filter({ hasText: `${yuan(2 * fineAt(12) + fineAt(24))} → ${yuan(fineAt(12))}` }).waitFor();
    expect(await report.getByTestId('simulation-nodes-chart').locator('.recharts-bar-rectangle').count()).toBeGreaterThan(0);
    // The merchant table, sorted and paged by the service: by id, then by the change of serious points (most lost first).
    const merchantRows = report.getByTestId('simulation-merchants').locator('tbody tr.ant-table-row');
    const rowKeys = () => merchantRows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row-key') ?? ''));
    await until(rowKeys, (keys) => JSON.stringify(keys) === JSON.stringify([reachesNode, twice].sort()), 'the changed merchants by id');
    await report.getByTestId('simulation-merchants-total').filter({ hasText: 'Total 2' }).waitFor();
    await merchantRows.filter({ hasText: reachesNode }).getByText('12 → 6').waitFor();
    await merchantRows.filter({ hasText: twice }).getByText('24 → 12').waitFor();
    await merchantRows.filter({ hasText: twice }).getByText(`${yuan(fineAt(12) + fineAt(24))} → ${yuan(fineAt(12))}`).waitFor();
    // From the keyboard: the sortable header takes the focus and sorts on Enter.
    await report.locator('.ant-table-thead th', { hasText: 'Points · Serious' }).focus();
    await page.keyboard.press('Enter');
    await until(rowKeys, (keys) => JSON.stringify(keys) === JSON.stringify([twice, reachesNode]), 'sorted by the change of serious points');
    await report.locator('.ant-table-thead th[aria-sort="ascending"]', { hasText: 'Points · Serious' }).waitFor();
    // The sample names the violations, the versions and the reasons.
    const sampleRows = report.getByTestId('simulation-sample').locator('tbody tr.ant-table-row');
    expect(await sampleRows.count()).toBe(3);
    const sampleText = await sampleRows.filter({ hasText: reachesNode }).innerText();
    expect(sampleText).toContain(`2022-06-27 → ${versionId}`);
    expect(sampleText).toContain('12 → 6');
    expect(sampleText).toMatch(/points: .*12.* → .*6/);
    // The CSV export: the changed merchant, before and after.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#simulation-merchants-export').click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^simulation-${versionId}-[0-9a-f]{8}-\\d{8}-\\d{6}\\.csv$`));
    const lines = readFileSync((await download.path())!, 'utf8').split('\r\n');
    expect(lines[0]).toMatch(/^\uFEFFMerchant,/);
    const year = Number(shanghaiInstant(Date.now() - 2 * DAY_MS).slice(0, 4));
    // Every changed merchant, in the order shown.
    expect(lines.slice(1).filter((l) => l !== '').map((l) => l.split(',')[0])).toEqual([twice, reachesNode]);
    expect(lines.find((l) => l.startsWith(reachesNode))).toContain(`${reachesNode},${year}: 0/12,${year}: 0/6,`);
    expect(lines.find((l) => l.startsWith(twice))).toContain(`${twice},${year}: 0/24,${year}: 0/12,`);
    expect(lines.find((l) => l.startsWith(twice))).toContain(`,${fineAt(12) + fineAt(24)},${fineAt(12)},`);
    expect(lines.filter((l) => l.startsWith(minor))).toEqual([]);

    // The paging api behind the table answers a bad query with a 400 naming each parameter, never a 500.
    const runs = (await (await fetch(`${stack.service('scoring-service').baseUrl}/v1/simulations?draftVersion=${versionId}`, { headers: await stack.operatorHeaders('viewer') })).json()) as { items: { runId: string }[] };
    expect(runs.items).toHaveLength(1);
    const bad = await fetch(`${stack.service('scoring-service').baseUrl}/v1/simulations/${runs.items[0].runId}/merchants?limit=0&sort=points&offset=x`, { headers: await stack.operatorHeaders('viewer') });
    expect(bad.status).toBe(400);
    expect([...new Set(((await bad.json()) as { errors: { field: string }[] }).errors.map((e) => e.field))].sort()).toEqual(['limit', 'offset', 'sort']);

    // The run is listed with the draft's earlier simulations, and opens again after the panel was closed.
    const runRows = simulation.getByTestId('simulation-runs').locator('tbody tr.ant-table-row');
    await until(() => runRows.allInnerTexts(), (rows) => rows.length === 1 && rows[0].includes('Done') && rows[0].includes(ADMIN.username), 'the run is listed as done');
    await page.locator('#simulation-close').click();
    await simulation.waitFor({ state: 'detached' });
    await page.getByTestId(`simulate-${versionId}`).click();
    await page.getByTestId('simulation-runs').locator('tbody tr.ant-table-row button').click();
    await page.getByTestId('simulation-report').getByTestId('merchants-changed').filter({ hasText: '2 / 3' }).waitFor();
    await page.getByTestId('simulation-merchants').locator('tbody tr.ant-table-row').nth(1).waitFor();
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: path.join(screenshots, 'rules-simulation.png'), fullPage: true });
    expect(await axeInBothLanguages(page, 'Rules (simulation)')).toEqual([]);

    // Keyboard: the run button is reached and pressed without a mouse.
    await page.locator('#simulation-run').focus();
    expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id)).toBe('simulation-run');
    await page.keyboard.press('Enter');
    await until(() => page.getByTestId('simulation-runs').locator('tbody tr.ant-table-row').count(), (n) => n === 2, 'a second run, started from the keyboard');

    // Four eyes: the author's approval is refused, the second admin's goes through.
    await page.getByTestId(`approve-${versionId}`).click();
    await page.getByTestId('rules-refusal').filter({ hasText: 'Four eyes' }).waitFor();
    await row.getByTestId('version-status').filter({ hasText: 'Draft' }).waitFor();
    const second = await signedIn(SECOND_ADMIN);
    await open(second.page, '#/rules');
    const theirRow = second.page.getByTestId('versions').locator(`tr[data-row-key="${versionId}"]`);
    await theirRow.getByTestId('version-status').filter({ hasText: 'Draft' }).waitFor();
    await second.page.getByTestId(`approve-${versionId}`).click();
    await theirRow.getByTestId('version-status').filter({ hasText: 'Approved' }).waitFor();
    await theirRow.getByText(SECOND_ADMIN.username).waitFor();
    await second.context.close();
    await context.close();

    // Four days on: every service restarted with its clock past the effective date.
    const offsetMs = 4 * DAY_MS;
    for (const app of SERVICE_APPS) await stack.service(app).restart({ CLOCK_OFFSET_MS: String(offsetMs) });
    const after = await signedIn(ADMIN);
    await open(after.page, '#/rules');
    await after.page.getByTestId('versions').locator(`tr[data-row-key="${versionId}"]`).getByTestId('version-status').filter({ hasText: 'In force' }).waitFor();

    // A new STANDARD counterfeit, an hour before the services' now: judged by the new version, 6 points.
    const latest = aViolationEvent({ merchantId: reachesNode, code: 'COUNTERFEIT_GOODS', severity: 'STANDARD', occurredAt: shanghaiInstant(Date.now() + offsetMs - 3_600_000) });
    await stack.publish(Topics.ViolationsDetectedV1, [latest]);
    const explained = await until(() => explain(latest.data.violationId), (e) => e.status === 200, 'the new violation is judged', 60_000);
    expect(explained.body).toMatchObject({ ruleVersion: versionId, outcome: { points: 6 }, asMade: { points: 6 }, reproduced: true, rules: [{ rule: 'POINTS_TABLE', values: { track: 'SERIOUS', severity: 'STANDARD', points: 6 } }] });
    // The earlier one keeps the version in force when it occurred.
    expect((await explain(stored[0].data.violationId)).body).toMatchObject({ ruleVersion: '2022-06-27', outcome: { points: 12 } });

    // The merchant page: 12 + 6 serious points this year, the new assessment of 6 in its timeline.
    await open(after.page, `#/merchants/${reachesNode}`);
    const timeline = after.page.getByTestId('timeline');
    await until(() => timeline.innerText(), (text) => /Serious\s*6\b/.test(text), 'the timeline shows the 6-point assessment', 30_000);
    const years = after.page.getByTestId('points-by-year').locator('tbody tr.ant-table-row');
    await until(() => years.allInnerTexts(), (rows) => rows.some((r) => r.replace(/\s+/g, ' ').trim() === `${year} 0 18`), 'points by year: 18 serious');

    // From the timeline's entry, the decision's explanation page names the new version and the cell that gave 6 points.
    await timeline.getByTestId(`explain-${latest.data.violationId}`).click();
    await after.page.waitForFunction((id) => (globalThis as unknown as { location: { hash: string } }).location.hash === `#/decisions/${id}`, latest.data.violationId);
    const explanationCard = after.page.getByTestId('decision-explanation');
    await explanationCard.getByTestId('explained-version').filter({ hasText: versionId }).waitFor();
    expect(await explanationCard.getByTestId('explained-points').innerText()).toBe('6');
    const ruleRows = (await explanationCard.getByTestId('explained-rules').locator('tbody tr.ant-table-row').allInnerTexts()).map((r) => r.split('\t').map((c) => c.trim()));
    expect(ruleRows).toEqual([[ 'POINTS_TABLE', '1', expect.any(String), expect.stringContaining('"points":6')]]);
    expect(await explanationCard.getByText('yes', { exact: true }).count()).toBe(1); // reproduced
    await explanationCard.getByRole('link', { name: reachesNode }).waitFor();
    await after.page.waitForLoadState('networkidle');
    expect(await axeInBothLanguages(after.page, 'Decision explanation')).toEqual([]);
    await after.context.close();
  });
});
