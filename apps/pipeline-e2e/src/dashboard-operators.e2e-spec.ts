import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { axeInBothLanguages, openRoute, type Operator, signInToDashboard } from './dashboard-session';
import { Topics } from '@penalty/contracts';
import { aMerchantId, aProfileEvent, aViolationEvent, DashboardProcess, PipelineStack } from '@penalty/testing';

const ADMIN = { username: 'root-admin', password: 'correct horse battery staple' };
const SECOND_ADMIN = { username: 'admin.wang', password: 'a second admin passphrase for e2e' };

interface Found { merchantId: string; marketplace: string; displayName: string | null; storeName: string | null; general: number; serious: number }

/** Waits until `read` answers what `done` accepts (the page re-renders after the api answers), else fails with the last answer. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await read();
  }
  return last;
}

/** The merchant ids of the Merchants table's rows, top to bottom. */
const rowKeys = (page: Page) => page.getByTestId('merchants').locator('tbody tr.ant-table-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row-key') ?? ''));

/** A date (YYYY-MM-DD) `days` after today in Asia/Shanghai. */
function shanghaiDateIn(days: number): string {
  return new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Issue 13 item 1 and issue 12 item 7 (first part) in Debian's Chromium against the real stack: the
 * Merchants list (search by names, marketplace filter, server-side sorting and paging, columns, CSV
 * export) and the Rules page's editor (draft from a version, edit its JSON, diff, four-eyes approval,
 * withdrawal), each checked with axe-core.
 */
describe('ops dashboard: merchant search and the rulebook editor (real Kafka + PostgreSQL)', () => {
  const stack = new PipelineStack({ env: { BOOTSTRAP_ADMIN_USERNAME: ADMIN.username, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password, COOKIE_SECURE: 'false' } });
  const dashboard = new DashboardProcess(stack);
  let browser: Browser;
  const cspViolations: string[] = [];

  const signedIn = (operator: Operator) => signInToDashboard(browser, dashboard.url, operator, cspViolations, { width: 1440, acceptDownloads: true });

  const open = openRoute;

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

  it('finds merchants by store name, filters by marketplace, sorts and pages on the server, hides columns and exports what is filtered as CSV', async () => {
    const tag = randomUUID().slice(0, 6);
    const profile = (merchantId: string, data: { marketplace?: string; displayName?: string; storeName?: string }) => {
      const event = aProfileEvent({ merchantId });
      return { ...event, data: { ...event.data, ...data } };
    };
    const zhang = aMerchantId('ops-zhang');
    const blue = aMerchantId('ops-blue');
    const cedar = aMerchantId('ops-cedar');
    const dune = aMerchantId('ops-dune');
    // Names a CSV has to quote (comma, quote, line break), a formula-looking name and a Chinese one.
    await stack.publish(Topics.MerchantsProfilesV1, [
      profile(zhang, { marketplace: 'tmall', displayName: '张三贸易有限公司', storeName: `Aster 张三旗舰店 ${tag}` }),
      profile(blue, { marketplace: 'tmall', displayName: '=HYPERLINK("x")', storeName: `Blue, "Quoted"\nShop ${tag}` }),
      profile(cedar, { marketplace: 'tmall', displayName: 'Cedar Trading', storeName: `Cedar Store ${tag}` }),
      profile(dune, { marketplace: 'tmall-global', displayName: 'Dune Ltd', storeName: `Dune Global ${tag}` }),
      // Enough more to need a second page of 20.
      ...Array.from({ length: 22 }, (_, i) => profile(aMerchantId(`ops-filler${String(i).padStart(2, '0')}`), { marketplace: 'tmall-global', displayName: `Filler ${i}`, storeName: `Filler ${tag} ${i}` })),
    ]);
    // Points: blue 12 serious (STANDARD), cedar 6 (MINOR), zhang none.
    await stack.publish(Topics.ViolationsDetectedV1, [
      aViolationEvent({ merchantId: blue, code: 'COUNTERFEIT_GOODS', severity: 'STANDARD' }),
      aViolationEvent({ merchantId: cedar, code: 'COUNTERFEIT_GOODS', severity: 'MINOR' }),
    ]);
    const viewer = await stack.operatorHeaders('viewer');
    const search = async (query: string) => (await (await fetch(`${stack.service('api').baseUrl}/v1/ops/merchants?${new URLSearchParams(query)}`, { headers: viewer })).json()) as { items: Found[]; total: number };
    const seeded = await until(() => search(`query=${tag}&limit=200`), (r) => r.total === 26 && r.items.filter((m) => m.serious > 0).length === 2, 'the api knows the seeded merchants', 60_000);
    const byId = new Map(seeded.items.map((m) => [m.merchantId, m]));
    expect([byId.get(blue)!.serious, byId.get(cedar)!.serious, byId.get(zhang)!.serious]).toEqual([12, 6, 0]);

    const { page, context } = await signedIn(ADMIN);
    await open(page, '#/merchants');
    const search$ = page.locator('#merchant-search');
    await search$.waitFor();

    // A part of a store name finds its merchant, and only it.
    await search$.fill(`cedar store ${tag}`);
    await until(() => rowKeys(page), (keys) => keys.length === 1 && keys[0] === cedar, 'search by store name');
    await page.getByTestId('merchants').getByText(`Cedar Store ${tag}`).waitFor();
    await page.getByTestId('merchants-total').filter({ hasText: 'Total 1' }).waitFor();

    // Every seeded merchant, paged by 20 on the server: the total is the whole, page 2 the rest.
    await search$.fill(tag);
    await page.getByTestId('merchants-total').filter({ hasText: 'Total 26' }).waitFor();
    await page.locator('.ant-pagination-options .ant-select').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '20 / page' }).click();
    await until(() => rowKeys(page), (keys) => keys.length === 20, 'a page of 20');
    const firstPage = await rowKeys(page);
    await page.locator('.ant-pagination-item-2').click();
    const secondPage = await until(() => rowKeys(page), (keys) => keys.length === 6, 'page 2 holds the other 6');
    expect(new Set([...firstPage, ...secondPage])).toEqual(new Set(seeded.items.map((m) => m.merchantId)));
    await page.getByTestId('merchants-total').filter({ hasText: 'Total 26' }).waitFor();

    // The export holds every page of the filter, not the page shown.
    const [allDownload] = await Promise.all([page.waitForEvent('download'), page.locator('#merchant-export').click()]);
    const allLines = readFileSync((await allDownload.path())!, 'utf8').split('\r\n');
    // One line per merchant (blue's quoted store name goes on over a second line, which starts with "Shop").
    expect(allLines[0]).toBe('\uFEFFMerchant,Name,Store name,Marketplace,Points · General,Points · Serious');
    expect(allLines.filter((l) => /^ops-/.test(l)).map((l) => l.split(',')[0]).sort()).toEqual(seeded.items.map((m) => m.merchantId).sort());

    // The marketplace filter (its options are the marketplaces with a rulebook: the default, Tmall).
    await page.locator('.ant-select:has(#merchant-marketplace)').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: /^Tmall$/ }).click();
    await page.getByTestId('merchants-total').filter({ hasText: 'Total 3' }).waitFor();
    expect((await rowKeys(page)).sort()).toEqual([blue, cedar, zhang].sort());
    await page.getByTestId('merchants').locator('tbody').getByTitle('tmall').first().waitFor(); // the code on hover

    // Sorting on the server by a header click: store names A-Z (Aster, Blue, Cedar), then serious points most first.
    const order = (expected: string[], what: string) => until(() => rowKeys(page), (keys) => JSON.stringify(keys) === JSON.stringify(expected), what);
    await page.locator('.ant-table-thead th', { hasText: 'Store name' }).click();
    await order([zhang, blue, cedar], 'sorted by store name');
    await page.locator('.ant-table-thead th', { hasText: 'Points · Serious' }).click();
    await order([blue, cedar, zhang], 'sorted by serious points, most first');
    await page.locator('.ant-table-thead th[aria-sort="descending"]', { hasText: 'Points · Serious' }).waitFor();

    // The CSV: what is filtered, in the order shown, with a BOM, quoted as RFC 4180 says.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#merchant-export').click()]);
    expect(download.suggestedFilename()).toMatch(/^merchants-\d{8}-\d{6}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1)).toBe(
      [
        'Merchant,Name,Store name,Marketplace,Points · General,Points · Serious',
        `${blue},"'=HYPERLINK(""x"")","Blue, ""Quoted""\nShop ${tag}",tmall,0,12`,
        `${cedar},Cedar Trading,Cedar Store ${tag},tmall,0,6`,
        `${zhang},张三贸易有限公司,Aster 张三旗舰店 ${tag},tmall,0,0`,
        '',
      ].join('\r\n'),
    );

    // Columns: the store name hidden, still hidden after a reload (localStorage), and left out of the export.
    await page.locator('#merchant-columns-button').click();
    await page.getByTestId('merchant-columns').getByLabel('Store name').uncheck();
    await page.locator('.ant-table-thead th', { hasText: 'Store name' }).waitFor({ state: 'detached' });
    await page.reload();
    await page.getByTestId('merchants').locator('tbody tr.ant-table-row').first().waitFor();
    expect(await page.locator('.ant-table-thead th', { hasText: 'Store name' }).count()).toBe(0);
    expect(await page.locator('.ant-table-thead th', { hasText: /^Name$/ }).count()).toBe(1);
    const [narrow] = await Promise.all([page.waitForEvent('download'), page.locator('#merchant-export').click()]);
    expect(readFileSync((await narrow.path())!, 'utf8').split('\r\n')[0]).toBe('\uFEFFMerchant,Name,Marketplace,Points · General,Points · Serious');

    // The state filter: only blue reached the 12-point node, so only blue has measures in force.
    await until(() => search(`query=${tag}&state=ACTIVE_MEASURES`), (r) => r.total === 1, 'the api knows blue\'s measures', 60_000);
    await page.locator('.ant-select:has(#merchant-state)').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: 'Measures in force' }).click();
    await until(() => rowKeys(page), (keys) => JSON.stringify(keys) === JSON.stringify([blue]), 'filtered by state');
    await page.getByTestId('merchants-total').filter({ hasText: 'Total 1' }).waitFor();

    // Accessible with rows, filters and the column chooser on the page, at rest: the chosen option's
    // dropdown closes with an animation, and an open one is checked nowhere else.
    await page.waitForLoadState('networkidle');
    await page.locator('.ant-select-dropdown:visible').first().waitFor({ state: 'hidden' });
    expect(await axeInBothLanguages(page, 'Merchants')).toEqual([]);
    await context.close();
  });

  it('lets an admin draft from 2022-06-27, edit its JSON and read the diff; the author cannot approve it, a second admin does; a draft can be withdrawn', async () => {
    const created = await fetch(`${stack.service('api').baseUrl}/v1/operators`, { method: 'POST', headers: await stack.operatorHeaders('admin'), body: JSON.stringify({ ...SECOND_ADMIN, roles: ['admin'] }) });
    expect(created.status).toBe(201);
    const versionId = `e2e-${randomUUID().slice(0, 6)}`;
    const effectiveFrom = shanghaiDateIn(60);

    const { page, context } = await signedIn(ADMIN);
    await open(page, '#/rules');
    const versions = page.getByTestId('versions');
    await versions.locator('tr[data-row-key="2022-06-27"]').getByTestId('version-status').filter({ hasText: 'In force' }).waitFor();
    await versions.locator('tr[data-row-key="2022-06-27"]').getByTitle('IN_FORCE').waitFor();

    // Draft from 2022-06-27, effective in 60 days.
    await page.getByTestId('draft-from-2022-06-27').click();
    await page.locator('#draft-version-id').fill(versionId);
    await page.locator('#draft-effective-from').fill(effectiveFrom);
    await page.locator('#create-draft').click();
    const row = versions.locator(`tr[data-row-key="${versionId}"]`);
    await row.getByTestId('version-status').filter({ hasText: 'Draft' }).waitFor();
    await row.getByText(effectiveFrom).waitFor();
    const editor = page.locator('#rule-data-json');
    await editor.waitFor();
    const ruleData = JSON.parse(await editor.inputValue()) as { appealWindowDays: number };
    const before = ruleData.appealWindowDays;
    expect(typeof before).toBe('number');

    // Invalid rule data: the 400 names the field beside the editor.
    await editor.fill(JSON.stringify({ ...ruleData, appealWindowDays: 0 }, null, 2));
    await page.locator('#save-draft').click();
    await page.getByTestId('rule-data-problems').getByText('ruleData.appealWindowDays').waitFor();
    // Not JSON at all: said before anything is sent.
    await editor.fill('{ "appealWindowDays": ');
    await page.locator('#save-draft').click();
    await page.getByTestId('rule-data-problems').getByText(/Not valid JSON/).waitFor();

    // A valid change; the diff from the version it is based on shows exactly it.
    await editor.fill(JSON.stringify({ ...ruleData, appealWindowDays: before + 5 }, null, 2));
    await page.locator('#save-draft').click();
    await page.getByTestId('rule-data-problems').waitFor({ state: 'detached' });
    const changes = page.getByTestId('diff-changes').locator('tbody tr.ant-table-row');
    await until(() => changes.allInnerTexts(), (rows) => rows.length === 1 && rows[0].includes('appealWindowDays'), 'the diff lists appealWindowDays');
    expect((await changes.first().locator('td').allInnerTexts()).map((s) => s.trim())).toEqual(['appealWindowDays', String(before), String(before + 5)]);
    await row.getByText(ADMIN.username).first().waitFor(); // author
    expect(await axeInBothLanguages(page, 'Rules (editor and diff)')).toEqual([]);

    // Four eyes: the author's approval is refused in plain words.
    await page.getByTestId(`approve-${versionId}`).click();
    await page.getByTestId('rules-refusal').filter({ hasText: 'Four eyes' }).waitFor();
    await row.getByTestId('version-status').filter({ hasText: 'Draft' }).waitFor();

    // Another admin approves it.
    const second = await signedIn(SECOND_ADMIN);
    await open(second.page, '#/rules');
    const theirRow = second.page.getByTestId('versions').locator(`tr[data-row-key="${versionId}"]`);
    await theirRow.getByTestId('version-status').filter({ hasText: 'Draft' }).waitFor();
    await second.page.getByTestId(`approve-${versionId}`).click();
    await theirRow.getByTestId('version-status').filter({ hasText: 'Approved' }).waitFor();
    await theirRow.getByText(SECOND_ADMIN.username).waitFor(); // approver
    expect(await second.page.getByTestId(`approve-${versionId}`).count()).toBe(0);
    await second.context.close();
    const stored = (await (await fetch(`${stack.service('api').baseUrl}/v1/rulebooks/tmall/versions/${versionId}`, { headers: await stack.operatorHeaders('viewer') })).json()) as { status: string; approver: string; ruleData: { appealWindowDays: number } };
    expect({ status: stored.status, approver: stored.approver, appealWindowDays: stored.ruleData.appealWindowDays }).toEqual({ status: 'APPROVED', approver: SECOND_ADMIN.username, appealWindowDays: before + 5 });

    // A second draft withdrawn with a reason.
    const withdrawn = `${versionId}-w`;
    await page.getByTestId('draft-from-2022-06-27').click();
    await page.locator('#draft-version-id').fill(withdrawn);
    await page.locator('#draft-effective-from').fill(shanghaiDateIn(90));
    await page.locator('#create-draft').click();
    const withdrawnRow = versions.locator(`tr[data-row-key="${withdrawn}"]`);
    await withdrawnRow.getByTestId('version-status').filter({ hasText: 'Draft' }).waitFor();
    await page.getByTestId(`withdraw-${withdrawn}`).click();
    await page.locator('#reason-text:visible').fill('drafted by mistake in the e2e test');
    await page.locator('#reason-ok:visible').click();
    await withdrawnRow.getByTestId('version-status').filter({ hasText: 'Withdrawn' }).waitFor();
    await context.close();
  });
});
