import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { axeFindings } from './axe-findings';
import { DashboardProcess, freePort, IdentityProviderProcess, PipelineStack } from '@penalty/testing';

const ADMIN = { username: 'root-admin', password: 'correct horse battery staple' };
const CLIENT = { id: 'penalty-ops-dashboard', secret: 'the dashboard client secret of the tests' };

/**
 * Issue 13 item 6 in Debian's Chromium: sign-in with the company identity provider, a real OpenID
 * provider (the oidc-provider package, PKCE required) started by the test, through the dashboard's
 * proxy to the api (openid-client: authorization code with PKCE, state and nonce). Roles and
 * marketplaces come from the claims the api is configured to read; the local password form stays.
 */
describe('ops dashboard: sign-in with the company identity provider (real OpenID provider, PostgreSQL, Kafka)', () => {
  let idp: IdentityProviderProcess;
  let stack: PipelineStack;
  let dashboard: DashboardProcess;
  let browser: Browser;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    const [idpPort, dashboardPort] = [await freePort(), await freePort()];
    const redirectUri = `http://127.0.0.1:${dashboardPort}/svc/api/v1/auth/oidc/callback`;
    idp = new IdentityProviderProcess({
      port: idpPort, clientId: CLIENT.id, clientSecret: CLIENT.secret, redirectUri,
      accounts: {
        'li.reviewer': { penalty_roles: ['reviewer'], penalty_marketplaces: ['tmall-global'] },
        'zhao.nobody': { penalty_roles: ['cashier'] },
      },
    });
    await idp.start();
    stack = new PipelineStack({
      apps: ['api'],
      env: {
        BOOTSTRAP_ADMIN_USERNAME: ADMIN.username, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password, COOKIE_SECURE: 'false', TRUST_PROXY: 'loopback',
        OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: CLIENT.id, OIDC_CLIENT_SECRET: CLIENT.secret, OIDC_REDIRECT_URI: redirectUri, OIDC_ALLOW_HTTP: 'true',
        OIDC_DISPLAY_NAME: 'Penalty SSO', OIDC_ROLES_CLAIM: 'penalty_roles', OIDC_MARKETPLACES_CLAIM: 'penalty_marketplaces',
      },
    });
    await stack.start();
    dashboard = new DashboardProcess(stack, { HTTP_PORT: String(dashboardPort) });
    await dashboard.start();
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await dashboard?.stop();
    await stack?.stop();
    await idp?.stop();
  });

  afterEach(() => {
    const seen = consoleErrors.splice(0);
    expect(seen).toEqual([]);
  });

  /** A fresh browser profile; errors the dashboard's own pages log count against the test (the provider's pages are not ours). */
  async function freshPage(): Promise<{ page: Page; context: BrowserContext }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', reducedMotion: 'reduce' });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' && page.url().startsWith(dashboard.url)) consoleErrors.push(`${page.url()}: ${message.text()} (${message.location().url})`);
    });
    return { page, context };
  }

  /** At the provider's development pages: any password for the login, then consent. */
  async function signInAtProvider(page: Page, login: string): Promise<void> {
    await page.waitForURL((url) => url.href.startsWith(idp.issuer));
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('any password at the test provider');
    await page.locator('button[type="submit"]').click();
    await page.getByRole('button', { name: 'Continue' }).click();
  }

  const me = (page: Page) => page.evaluate(async () => (await fetch('/svc/api/v1/auth/me')).json());
  const auditOf = async (actor: string) => {
    const response = await fetch(`${stack.service('api').baseUrl}/v1/audit?actor=${encodeURIComponent(actor)}`, { headers: await stack.operatorHeaders('admin') });
    return ((await response.json()) as { items: { action: string; reason: string; details: Record<string, unknown> }[] }).items;
  };

  it('signs a reviewer in through the provider (code flow with PKCE), roles and marketplaces from the configured claims, back on the page it started from', async () => {
    // The provider refuses an authorization request without PKCE: the sign-in below passing proves the api sends it.
    const withoutPkce = await fetch(`${idp.issuer}/auth?${new URLSearchParams({ client_id: CLIENT.id, response_type: 'code', scope: 'openid', redirect_uri: `${dashboard.url}/svc/api/v1/auth/oidc/callback`, state: 'x' })}`, { redirect: 'manual' });
    expect(new URL(withoutPkce.headers.get('location')!).searchParams.get('error_description')).toMatch(/PKCE/);

    const { page, context } = await freshPage();
    await page.goto(`${dashboard.url}/#/reviewQueue`);
    const button = page.getByTestId('sign-in-oidc');
    await button.waitFor();
    expect(await button.textContent()).toBe('单点登录 Penalty SSO');
    const findings = await axeFindings(page, 'sign-in with the identity provider (zh)');
    await page.evaluate(() => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('lang', 'en'));
    await page.reload();
    await page.getByTestId('sign-in-oidc').filter({ hasText: 'Sign in with Penalty SSO' }).waitFor();
    findings.push(...(await axeFindings(page, 'sign-in with the identity provider (en)')));
    await page.screenshot({ path: path.join(__dirname, '../../../docs/screenshots/sign-in-identity-provider.png'), fullPage: true });
    expect(findings).toEqual([]);

    await button.click();
    await signInAtProvider(page, 'li.reviewer');
    await page.getByTestId('me').filter({ hasText: 'oidc:li.reviewer' }).waitFor();
    expect(new URL(page.url()).hash).toBe('#/reviewQueue');
    expect(await me(page)).toEqual({ subject: 'oidc:li.reviewer', roles: ['reviewer'], marketplaces: ['tmall-global'], via: 'SESSION', scopes: [] });
    // The flow's cookie is gone; the session's are the ones a local sign-in sets (the provider's own share the host, cookies know no ports).
    const cookies = Object.fromEntries((await context.cookies(dashboard.url)).filter((c) => c.name.startsWith('penalty_')).map((c) => [c.name, c]));
    expect(Object.keys(cookies).sort()).toEqual(['penalty_csrf', 'penalty_session']);
    expect(cookies.penalty_session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    const [signIn] = await auditOf('oidc:li.reviewer');
    expect(signIn).toMatchObject({ action: 'AUTH.SIGN_IN', details: { via: 'OIDC', issuer: idp.issuer } });

    // Signing out ends the session as a local one ends: a copy of its cookie stops working too.
    await page.waitForLoadState('networkidle');
    expect(consoleErrors).toEqual([]);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByTestId('sign-in-oidc').waitFor();
    const copied = await fetch(`${dashboard.url}/svc/api/v1/auth/me`, { headers: { cookie: `penalty_session=${cookies.penalty_session.value}` } });
    expect(copied.status).toBe(401);
    await context.close();
  });

  it('refuses an account whose claim names no role of the platform, says why on the sign-in page, and audits it', async () => {
    const { page, context } = await freshPage();
    await page.goto(dashboard.url);
    await page.getByTestId('sign-in-oidc').click();
    await signInAtProvider(page, 'zhao.nobody');
    const error = page.getByTestId('sign-in-error');
    await error.waitFor();
    expect(await error.textContent()).toBe('您的公司账号没有本平台的角色');
    // The reason is read once; the address is clean again.
    expect(page.url()).toBe(`${dashboard.url}/`);
    expect((await context.cookies(dashboard.url)).map((c) => c.name)).not.toContain('penalty_session');
    const [refused] = await auditOf('oidc:zhao.nobody');
    expect(refused).toMatchObject({ action: 'AUTH.SIGN_IN_FAILED', details: { via: 'OIDC', code: 'AUTH.OIDC_NO_ROLES' } });
    await context.close();
  });

  it("signs nobody in with a provider's answer that another browser started (the state is bound to the browser's flow cookie)", async () => {
    // The victim's browser starts a sign-in; its answer from the provider is caught before it arrives.
    const victim = await freshPage();
    // Through the browser's own interception (Playwright's routes do not see a redirect's next hop, which the answer is).
    const devtools = await victim.context.newCDPSession(victim.page);
    let caught!: (url: string) => void;
    const answered = new Promise<string>((resolve) => (caught = resolve));
    devtools.on('Fetch.requestPaused', (paused: { requestId: string; request: { url: string } }) => {
      caught(paused.request.url);
      void devtools.send('Fetch.failRequest', { requestId: paused.requestId, errorReason: 'Aborted' });
    });
    await devtools.send('Fetch.enable', { patterns: [{ urlPattern: '*/svc/api/v1/auth/oidc/callback*', requestStage: 'Request' }] });
    await victim.page.goto(dashboard.url);
    await victim.page.getByTestId('sign-in-oidc').click();
    await signInAtProvider(victim.page, 'li.reviewer');
    const answer = await answered;
    expect(new URL(answer).searchParams.get('code')).toBeTruthy();

    // Another browser (an attacker's page luring it there) gets the sign-in refused.
    const other = await freshPage();
    await other.page.goto(answer);
    await other.page.getByTestId('sign-in-error').waitFor();
    expect(await other.page.getByTestId('sign-in-error').textContent()).toBe('身份提供方登录失败，请重试');
    expect((await other.context.cookies(dashboard.url)).map((c) => c.name)).not.toContain('penalty_session');

    // The browser that started it completes it with the same answer.
    await devtools.send('Fetch.disable');
    await victim.page.goto(answer);
    await victim.page.getByTestId('me').filter({ hasText: 'oidc:li.reviewer' }).waitFor();
    await Promise.all([victim.context.close(), other.context.close()]);
  });

  it('keeps the local password form beside it, and answers a callback without a flow with the sign-in page, not a session', async () => {
    const { page, context } = await freshPage();
    await page.goto(dashboard.url);
    await page.locator('#username').fill(ADMIN.username);
    await page.locator('#password').fill(ADMIN.password);
    await page.locator('#sign-in').click();
    await page.getByTestId('me').filter({ hasText: ADMIN.username }).waitFor();
    await context.close();

    const forged = await fetch(`${dashboard.url}/svc/api/v1/auth/oidc/callback?code=forged&state=forged`, { redirect: 'manual' });
    expect(forged.status).toBe(303);
    expect(forged.headers.get('location')).toBe('/?signInError=AUTH.OIDC_FAILED');
    expect(forged.headers.getSetCookie().some((c) => c.startsWith('penalty_session='))).toBe(false);
  });
});
