// Helpers of the dashboard's browser tests: an operator signed in through the page's password form,
// the page's route and language switched, axe-core in both languages.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeFindings } from './axe-findings';

export interface Operator {
  username: string;
  password: string;
}

/**
 * Signs `operator` in at `dashboardUrl` in a new browser context and switches the page to English.
 * The console's Content-Security-Policy refusals go to `cspViolations` (each suite expects none).
 */
export async function signInToDashboard(
  browser: Browser,
  dashboardUrl: string,
  operator: Operator,
  cspViolations: string[],
  options: { width?: number; height?: number; acceptDownloads?: boolean } = {},
): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1440, height: options.height ?? 900 }, locale: 'en-US', acceptDownloads: options.acceptDownloads ?? false, reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(`${page.url()}: ${message.text()}`);
  });
  await page.goto(dashboardUrl);
  await page.locator('#username').fill(operator.username);
  await page.locator('#password').fill(operator.password);
  await page.locator('#sign-in').click();
  await page.getByTestId('me').filter({ hasText: operator.username }).waitFor();
  await page.getByText('EN', { exact: true }).click();
  return { page, context };
}

/** Goes to one of the dashboard's routes (`#/reviewQueue`, `#/merchants/<id>`…). */
export const openRoute = (page: Page, hash: string) => page.evaluate((h) => void ((globalThis as unknown as { location: { hash: string } }).location.hash = h), hash);

const languageIs = (page: Page, lang: string) =>
  page.waitForFunction((l) => (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement.lang === l, lang);

export async function toChinese(page: Page): Promise<void> {
  await page.getByText('中文', { exact: true }).click();
  await languageIs(page, 'zh-CN');
}

export async function toEnglish(page: Page): Promise<void> {
  await page.getByText('EN', { exact: true }).click();
  await languageIs(page, 'en');
}

/** axe in English, then in Chinese (and back to English): the findings of both. */
export async function axeInBothLanguages(page: Page, name: string): Promise<string[]> {
  const findings = await axeFindings(page, `${name} (en)`);
  await toChinese(page);
  await page.waitForLoadState('networkidle');
  findings.push(...(await axeFindings(page, `${name} (zh)`)));
  await toEnglish(page);
  return findings;
}
