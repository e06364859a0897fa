import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { axeFindings } from './axe-findings';
import { Topics } from '@penalty/contracts';
import { aMerchantId, aProfileEvent, aViolationEvent, DashboardProcess, PipelineStack, TopicRecorder } from '@penalty/testing';

const repoRoot = path.resolve(__dirname, '../../..');
const ADMIN = { username: 'root-admin', password: 'correct horse battery staple' };
/** The most JavaScript a cold load may fetch, on the wire (issue 13: 300 kB gzipped). */
const INITIAL_JS_LIMIT_BYTES = 300_000;

/** One HTTP GET without any client-side decoding, so the answer's encoding and bytes are what the server sent. */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Issue 13, items 7 and 8 in Debian's Chromium (playwright-core) against the real stack: the dashboard
 * loads fast (compressed, cached, code-split, a strict script policy, a silent cold load) and is
 * accessible (axe-core on every page in Chinese and English, keyboard operable).
 */
describe('ops dashboard: load and accessibility (real Kafka + PostgreSQL)', () => {
  const stack = new PipelineStack({ env: { BOOTSTRAP_ADMIN_USERNAME: ADMIN.username, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password, COOKIE_SECURE: 'false' } });
  const dashboard = new DashboardProcess(stack);
  let recorder: TopicRecorder;
  let browser: Browser;
  const merchantId = aMerchantId('a11y');
  /** What the browser said about the Content-Security-Policy, on any page of any context. */
  const cspViolations: string[] = [];

  async function newPage(options: { locale?: string; reducedMotion?: 'reduce' | 'no-preference' } = {}): Promise<{ page: Page; context: BrowserContext }> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: options.locale ?? 'en-US', reducedMotion: options.reducedMotion ?? 'reduce' });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(`${page.url()}: ${message.text()}`);
    });
    return { page, context };
  }

  async function signIn(page: Page): Promise<void> {
    await page.goto(dashboard.url);
    await page.locator('#username').fill(ADMIN.username);
    await page.locator('#password').fill(ADMIN.password);
    await page.locator('#sign-in').click();
    await page.getByTestId('me').filter({ hasText: ADMIN.username }).waitFor();
  }

  beforeAll(async () => {
    // The figures are the build's in apps/ops-dashboard/dist: scripts/test.sh builds it just before. When
    // it is missing, a production build here (jest's NODE_ENV=test would make Vite build React's and
    // antd's development code, which is what DashboardProcess's own fallback build gets).
    if (!existsSync(path.join(repoRoot, 'apps/ops-dashboard/dist/index.html'))) {
      execFileSync('npx', ['vite', 'build', '-c', 'apps/ops-dashboard/vite.config.mts', '--logLevel', 'error'], { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
    }
    await stack.start();
    recorder = new TopicRecorder(stack.brokers, [stack.topic(Topics.SanctionsDecidedV1)]);
    await recorder.start();
    await dashboard.start();
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

  it('serves the build precompressed (brotli, else gzip, else as is), hashed assets cached a year and index.html revalidated', async () => {
    const html = await rawGet(`${dashboard.url}/`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(html.status).toBe(200);
    expect(html.headers['content-encoding']).toBe('br');
    expect(html.headers['cache-control']).toBe('no-cache');
    expect(html.headers.vary).toMatch(/accept-encoding/i);
    const indexHtml = (await rawGet(`${dashboard.url}/`)).body.toString('utf8');
    const entry = /<script\b[^>]*\bsrc="(\/assets\/[^"]+\.js)"/.exec(indexHtml)?.[1];
    expect(entry).toBeDefined();

    const asBrotli = await rawGet(`${dashboard.url}${entry}`, { 'accept-encoding': 'br, gzip' });
    const asGzip = await rawGet(`${dashboard.url}${entry}`, { 'accept-encoding': 'gzip' });
    const asIs = await rawGet(`${dashboard.url}${entry}`);
    expect([asBrotli.headers['content-encoding'], asGzip.headers['content-encoding'], asIs.headers['content-encoding']]).toEqual(['br', 'gzip', undefined]);
    for (const answer of [asBrotli, asGzip, asIs]) {
      expect(answer.status).toBe(200);
      expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(answer.headers['content-type']).toMatch(/^text\/javascript/);
    }
    // The compressed copies are the same script, and much smaller.
    const { brotliDecompressSync, gunzipSync } = await import('node:zlib');
    expect(brotliDecompressSync(asBrotli.body).equals(asIs.body)).toBe(true);
    expect(gunzipSync(asGzip.body).equals(asIs.body)).toBe(true);
    expect(asBrotli.body.length).toBeLessThan(asIs.body.length / 3);

    // What the browser itself got on a cold load: every script compressed and cached immutable.
    const { page, context } = await newPage();
    const scripts: { url: string; encoding?: string; cacheControl?: string }[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith('.js')) scripts.push({ url: response.url(), encoding: response.headers()['content-encoding'], cacheControl: response.headers()['cache-control'] });
    });
    await page.goto(dashboard.url);
    await page.locator('#username').waitFor();
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      expect(['br', 'gzip']).toContain(script.encoding);
      expect(script.cacheControl).toBe('public, max-age=31536000, immutable');
    }
    await context.close();
  });

  it('sends a Content-Security-Policy whose scripts are only its own files: no inline script, no eval', async () => {
    const answer = await rawGet(`${dashboard.url}/`);
    const policy = String(answer.headers['content-security-policy']);
    const directives = new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('script-src-attr')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(policy).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    // The page works under it (the afterEach fails on any violation the browser reports).
    const { page, context } = await newPage();
    await signIn(page);
    await page.getByTestId('overview').waitFor();
    await context.close();
  });

  it("follows the system's reduce-motion setting: antd's transitions take no time then", async () => {
    const motionDuration = async (reducedMotion: 'reduce' | 'no-preference') => {
      const { page, context } = await newPage({ reducedMotion });
      await page.goto(dashboard.url);
      const duration = await page.locator('#sign-in').evaluate((button) => (globalThis as unknown as { getComputedStyle(e: unknown): { getPropertyValue(p: string): string } }).getComputedStyle(button).getPropertyValue('--ant-motion-duration-mid').trim());
      await context.close();
      return duration;
    };
    expect(await motionDuration('no-preference')).toBe('0.2s');
    expect(await motionDuration('reduce')).toBe('0s');
  });

  it('loads cold without a console error, asking who is signed in with an answer that is not an error', async () => {
    const { page, context } = await newPage();
    const errors: string[] = [];
    page.on('console', (message) => void (message.type() === 'error' && errors.push(message.text())));
    page.on('pageerror', (error) => errors.push(String(error)));
    const failed: string[] = [];
    page.on('response', (response) => void (response.status() >= 400 && failed.push(`${response.status()} ${response.url()}`)));
    const session = page.waitForResponse((response) => new URL(response.url()).pathname === '/session');
    await page.goto(dashboard.url);
    expect(await (await session).json()).toEqual({ signedIn: false });
    await page.locator('#username').waitFor();
    await page.waitForLoadState('networkidle');
    expect({ errors, failed }).toEqual({ errors: [], failed: [] });
    await context.close();
  });

  it('fetches at most 300 kB of JavaScript on a cold load: the shell and the sign-in form, each page later in its own chunk', async () => {
    const { page, context } = await newPage();
    const scripts = new Map<string, number>();
    const measured: Promise<void>[] = [];
    page.on('requestfinished', (request) => {
      // responseBodySize: the bytes received, as encoded on the wire.
      if (request.resourceType() === 'script') measured.push(request.sizes().then((sizes) => void scripts.set(new URL(request.url()).pathname, sizes.responseBodySize)));
    });
    await page.goto(dashboard.url);
    await page.locator('#username').waitFor();
    await page.waitForLoadState('networkidle');
    await Promise.all(measured);
    const onTheWire = [...scripts.values()].reduce((sum, bytes) => sum + bytes, 0);
    console.log(`cold load (sign-in page): ${scripts.size} scripts, ${(onTheWire / 1000).toFixed(1)} kB on the wire: ${[...scripts].map(([p, b]) => `${p} ${(b / 1000).toFixed(1)} kB`).join(', ')}`);
    expect(onTheWire).toBeGreaterThan(0);
    expect(onTheWire).toBeLessThanOrEqual(INITIAL_JS_LIMIT_BYTES);
    // No page's chunk before its page is opened; opening one fetches it.
    expect([...scripts.keys()].filter((p) => /\/(Overview|Merchants|ReviewQueue|DeadLetters|Rules|Access)-/.test(p))).toEqual([]);
    await page.locator('#username').fill(ADMIN.username);
    await page.locator('#password').fill(ADMIN.password);
    await page.locator('#sign-in').click();
    await page.getByTestId('overview').waitFor();
    expect([...scripts.keys()].some((p) => /\/Overview-[\w-]+\.js$/.test(p))).toBe(true);
    await context.close();

    // The build's own check (scripts/test.sh runs it) passes at the limit and fails below the figure.
    const check = (limitKb: number) => spawnSync(process.execPath, ['-r', '@swc-node/register', 'tools/dashboard/check-bundle-size.ts', '--limit-kb', String(limitKb)], { cwd: repoRoot, encoding: 'utf8' });
    const atLimit = check(300);
    expect({ status: atLimit.status, stderr: atLimit.stderr }).toEqual({ status: 0, stderr: '' });
    expect(atLimit.stdout).toMatch(/initial JS of the ops dashboard: \d+ files, [\d.]+ kB, gzip [\d.]+ kB \(limit 300 kB\)/);
    const tooSmall = check(1);
    expect(tooSmall.status).toBe(1);
    expect(tooSmall.stderr).toMatch(/over the 1 kB limit/);
  });

  it('is operable by keyboard: Tab to the sign-in fields, Enter submits, the menu opens a page', async () => {
    const { page, context } = await newPage();
    await page.goto(dashboard.url);
    await page.locator('#username').waitFor();
    const focused = () => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id ?? '');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('username');
    await page.keyboard.type(ADMIN.username);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('password');
    await page.keyboard.type(ADMIN.password);
    await page.keyboard.press('Enter');
    await page.getByTestId('me').filter({ hasText: ADMIN.username }).waitFor();
    await page.getByTestId('overview').waitFor();

    // Tab into the main menu, move to Merchants (商家: the page is in Chinese) with the arrow keys, open it with Enter.
    type Focused = { closest(s: string): unknown; textContent: string | null; classList: { contains(c: string): boolean } } | null;
    const inMenu = () => page.evaluate(() => Boolean((globalThis as unknown as { document: { activeElement: Focused } }).document.activeElement?.closest('nav .ant-menu')));
    const focusedText = () => page.evaluate(() => (globalThis as unknown as { document: { activeElement: Focused } }).document.activeElement?.textContent ?? '');
    for (let tabs = 0; !(await inMenu()) && tabs < 30; tabs++) await page.keyboard.press('Tab');
    expect(await inMenu()).toBe(true);
    for (let arrows = 0; (await focusedText()) !== '商家' && arrows < 10; arrows++) {
      await page.keyboard.press('ArrowRight');
      // The menu marks the item it moved to as active once it has rendered; the next key acts from there.
      await page.waitForFunction(() => Boolean((globalThis as unknown as { document: { activeElement: Focused } }).document.activeElement?.classList.contains('ant-menu-item-active')));
    }
    expect(await focusedText()).toBe('商家');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (globalThis as unknown as { location: { hash: string } }).location.hash === '#/merchants');
    await page.locator('#merchant-search').waitFor();
    expect(new URL(page.url()).hash).toBe('#/merchants');
    await context.close();
  });

  describe('axe-core finds no serious or critical violation', () => {
    beforeAll(async () => {
      // A merchant past the 12-point node with an appeal in the review queue, and a dead letter, so the pages have rows.
      await stack.publish(Topics.MerchantsProfilesV1, [aProfileEvent({ merchantId, examEligible: true })]);
      await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'COUNTERFEIT_GOODS', severity: 'STANDARD' })]);
      await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId: aMerchantId('a11y-poison'), severity: 'HUGE' as never })]);
      const [imposed] = await recorder.waitFor((m) => m.key === merchantId && m.json?.type === 'sanction.imposed.v1');
      const filed = await fetch(`${stack.service('sanction-service').baseUrl}/v1/sanctions/${imposed.json!.data.sanctionId}/appeals`, {
        method: 'POST', headers: await stack.operatorHeaders('reviewer'),
        body: JSON.stringify({ statement: 'The goods are genuine; invoices attached.', evidence: [{ kind: 'PURCHASE_INVOICE', issuer: 'Brand Co.', validFrom: '2026-01-01T00:00:00+08:00', validUntil: '2027-12-31T00:00:00+08:00', sha256: 'c'.repeat(64) }] }),
      });
      expect(filed.status).toBe(201);
    }, 120_000);


    it.each([['zh', '中文'], ['en', 'EN']])('on any page in %s', async (lang, switchLabel) => {
      const { page, context } = await newPage({ locale: lang === 'zh' ? 'zh-CN' : 'en-US' });
      const findings: string[] = [];
      await signIn(page);
      await page.getByText(switchLabel, { exact: true }).click();
      await page.waitForFunction((l) => (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement.lang.startsWith(l), lang);

      const pages: [name: string, hash: string, ready: (p: Page) => Promise<unknown>][] = [
        ['Overview', '#/overview', (p) => p.getByTestId('overview').locator('.recharts-surface').first().waitFor()],
        ['Merchants', '#/merchants', (p) => p.locator('#merchant-search').waitFor()],
        ['Merchant', `#/merchants/${merchantId}`, (p) => p.getByTestId('active-measures').locator('tbody tr.ant-table-row').first().waitFor({ timeout: 60_000 })],
        ['Review queue', '#/reviewQueue', (p) => p.getByTestId('review-queue').getByText(merchantId).first().waitFor({ timeout: 60_000 })],
        ['Dead letters', '#/deadLetters', (p) => p.getByTestId('dead-letters').getByTitle('DATA_INVALID', { exact: true }).first().waitFor({ timeout: 60_000 })],
        ['Rules', '#/rules', (p) => p.getByTestId('rules').getByText('QUALIFICATION_FORGERY').waitFor()],
        ['Access', '#/access', (p) => p.getByTestId('operators').getByText(ADMIN.username).first().waitFor()],
      ];
      for (const [name, hash, ready] of pages) {
        await page.evaluate((h) => void ((globalThis as unknown as { location: { hash: string } }).location.hash = h), hash);
        await ready(page);
        await page.waitForLoadState('networkidle');
        findings.push(...(await axeFindings(page, `${name} (${lang})`)));
      }
      // The sign-in page, in the language just chosen.
      await page.getByRole('button', { name: lang === 'zh' ? /^退\s?出$/ : 'Sign out' }).click();
      await page.locator('#username').waitFor();
      findings.push(...(await axeFindings(page, `Sign-in (${lang})`)));
      await context.close();
      expect(findings).toEqual([]);
    });
  });
});
