import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { axeFindings } from './axe-findings';
import { launchChromium } from './chromium';
import { chooseFilter, exportedCsv, rowTexts, until } from './dashboard-tables';
import { Topics } from '@penalty/contracts';
import { aMerchantId, aProfileEvent, aViolationEvent, DashboardProcess, PipelineStack, PrometheusStandIn, TopicRecorder, type StandInSeries } from '@penalty/testing';

const repoRoot = path.resolve(__dirname, '../../..');
const ADMIN = { username: 'root-admin', password: 'correct horse battery staple' };

/** What the stand-in's Prometheus holds: constant rates and gauges, recognisable on the page. */
function prometheusAnswers(query: string): StandInSeries[] | undefined {
  const constant = (metric: Record<string, string>, value: number): StandInSeries => ({ metric, valueAt: () => value });
  if (query.startsWith('sum(rate(penalty_events_consumed_total{service="scoring-service",topic="violations.detected.v1"}')) return [constant({}, 4.2)];
  if (query.startsWith('sum(rate(penalty_outbox_published_total{')) return [constant({}, 1.5)];
  if (query.includes('penalty_consumer_lag')) {
    return [
      constant({ service: 'scoring-service', topic: 'violations.detected.v1', partition: '1' }, 0),
      constant({ service: 'scoring-service', topic: 'violations.detected.v1', partition: '0' }, 17),
      constant({ service: 'sanction-service', topic: 'penalties.assessed.v1', partition: '2' }, 5),
    ];
  }
  if (query.includes('penalty_outbox_backlog')) return [constant({ service: 'sanction-service' }, 3)];
  return undefined;
}

/**
 * The Overview's charts in Chromium against the real stack: one time range for the live figures and
 * the decisions, a node's bar and a day's bar opening their sanctions (by mouse and by keyboard) with
 * links to the merchant, axe-core in both languages with the drawer open; the live figures read from
 * a Prometheus (a stand-in for its HTTP API) shared by two dashboard replicas, a Prometheus that
 * fails shown as such, and without PROMETHEUS_URL the server's own scrape.
 */
describe('ops dashboard Overview: time ranges, drill-down, Prometheus (real Kafka + PostgreSQL)', () => {
  const stack = new PipelineStack({ env: { BOOTSTRAP_ADMIN_USERNAME: ADMIN.username, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password, COOKIE_SECURE: 'false' } });
  const prometheus = new PrometheusStandIn(prometheusAnswers);
  let dashboard: DashboardProcess;
  let replica: DashboardProcess;
  const scraping = new DashboardProcess(stack);
  let recorder: TopicRecorder;
  let browser: Browser;
  let page: Page;
  const merchantId = aMerchantId('overview');
  let sanctionId: string;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    await prometheus.start();
    await stack.start();
    recorder = new TopicRecorder(stack.brokers, [stack.topic(Topics.SanctionsDecidedV1)]);
    await recorder.start();
    dashboard = new DashboardProcess(stack, { PROMETHEUS_URL: prometheus.url });
    replica = new DashboardProcess(stack, { PROMETHEUS_URL: `${prometheus.url}/` });
    await Promise.all([dashboard.start(), replica.start(), scraping.start()]);
    // A merchant crosses the 12-point node; the api's read model has its sanction once decisions count it.
    await stack.publish(Topics.MerchantsProfilesV1, [aProfileEvent({ merchantId })]);
    await stack.publish(Topics.ViolationsDetectedV1, [aViolationEvent({ merchantId, code: 'COUNTERFEIT_GOODS', severity: 'STANDARD' })]);
    const [imposed] = await recorder.waitFor((m) => m.key === merchantId && m.json?.type === 'sanction.imposed.v1');
    sanctionId = imposed.json!.data.sanctionId;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const decisions = await fetch(`${stack.service('api').baseUrl}/v1/ops/decisions?range=1h`, { headers: await stack.operatorHeaders('viewer') }).then((r) => r.json());
      if ((decisions as { byNode: { node: string }[] }).byNode.some((n) => n.node === '12')) break;
      if (Date.now() > deadline) throw new Error(`the sanction never reached the decisions: ${JSON.stringify(decisions)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'en-US', reducedMotion: 'reduce' });
    page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(`${page.url()}: ${message.text()}`);
    });
    await page.goto(dashboard.url);
    await page.locator('#username').fill(ADMIN.username);
    await page.locator('#password').fill(ADMIN.password);
    await page.locator('#sign-in').click();
    await page.getByTestId('me').filter({ hasText: ADMIN.username }).waitFor();
    await page.getByText('EN', { exact: true }).click();
    await page.getByTestId('overview').waitFor();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([dashboard?.stop(), replica?.stop(), scraping.stop()]);
    await recorder?.stop();
    await stack.stop();
    await prometheus.stop();
  });

  afterEach(() => {
    expect(cspViolations.splice(0)).toEqual([]);
  });

  /** The session cookie of the page, for the dashboard server's own routes. */
  const cookie = async () => (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const chooseRange = async (label: string, range: string) => {
    const answered = page.waitForResponse((r) => r.url().includes(`/v1/ops/decisions?range=${range}`) && r.ok());
    await page.getByTestId('range').getByText(label, { exact: true }).click();
    await answered;
  };
  const drawer = () => page.locator('.ant-drawer');

  it("shows the live figures from Prometheus: the current values, the history over each range, the same on every replica", async () => {
    await page.getByTestId('live-source').filter({ hasText: 'Source: Prometheus' }).waitFor();
    await page.getByTestId('violations-per-second').filter({ hasText: '4.2' }).waitFor();
    await page.getByRole('cell', { name: '17', exact: true }).waitFor();
    // 24 h of history at Prometheus's 5-minute step: 289 points, asked with query_range.
    await page.getByTestId('live-chart').and(page.locator('[data-points="289"]')).waitFor();
    expect(prometheus.asked).toContainEqual({ path: '/api/v1/query_range', params: expect.objectContaining({ step: '300', query: expect.stringContaining('[600s]') }) });
    expect(prometheus.asked).toContainEqual({ path: '/api/v1/query', params: expect.objectContaining({ query: 'max by (service, topic, partition) (penalty_consumer_lag)' }) });
    const history = async (of: DashboardProcess, range: string) => {
      const response = await fetch(`${of.url}/live/history?range=${range}`, { headers: { cookie: await cookie() } });
      expect(response.status).toBe(200);
      return response.json() as Promise<{ source: string; complete: boolean; stepSeconds: number; points: { violationsPerSecond: number }[] }>;
    };
    const week = await history(dashboard, '7d');
    expect(week).toMatchObject({ source: 'prometheus', complete: true, stepSeconds: 3600 });
    expect(week.points).toHaveLength(169);
    expect(week.points.every((p) => p.violationsPerSecond === 4.2)).toBe(true);
    expect(await history(replica, '7d')).toEqual(week);
    // Without PROMETHEUS_URL the server's own scrape, which keeps an hour.
    const scraped = await history(scraping, '7d');
    expect(scraped).toMatchObject({ source: 'scrape', complete: false });
    const refused = await fetch(`${dashboard.url}/live/history?range=90d`, { headers: { cookie: await cookie() } });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ code: 'REQUEST.INVALID', errors: [{ field: 'range' }] });
    expect((await fetch(`${dashboard.url}/live/history?range=1h`)).status).toBe(401);
  });

  it("switches the range of every chart: the decisions by minute, hour and day, the node's sanctions counted in each", async () => {
    const nodeCount = () => page.getByTestId('nodes-table').locator('tr', { hasText: '12' }).locator('td').nth(1).innerText();
    await chooseRange('1 h', '1h');
    expect(await nodeCount()).toBe('1');
    // The last hour streams: Prometheus's 241 points of 15 s, and the figures since.
    expect(Number(await page.getByTestId('live-chart').getAttribute('data-points'))).toBeGreaterThanOrEqual(241);
    await chooseRange('7 d', '7d');
    expect(await nodeCount()).toBe('1');
    expect(await page.getByTestId('buckets-chart').locator('[data-testid^="bucket-bar-"]').count()).toBe(1);
    // The range control is a radio group: the arrow keys move it.
    const answered = page.waitForResponse((r) => r.url().includes('/v1/ops/decisions?range=30d') && r.ok());
    await page.getByTestId('range').getByRole('radio', { checked: true }).press('ArrowRight');
    await answered;
    await page.getByTestId('nodes-chart').filter({ hasText: '30 d' }).waitFor();
  });

  it("opens a node's sanctions from its bar with the keyboard, and a day's from its bar with the mouse, each linking to the merchant", async () => {
    await chooseRange('24 h', '24h');
    const bar = page.getByTestId('node-bar-12');
    expect(await bar.getAttribute('tabindex')).toBe('0');
    expect(await bar.getAttribute('aria-label')).toBe('Node 12: 1 Sanctions · Show the sanctions');
    await bar.focus();
    await page.keyboard.press('Enter');
    const rows = drawer().getByTestId('drill-sanctions').locator('tbody tr.ant-table-row');
    await drawer().getByTestId(`drill-merchant-${merchantId}`).waitFor();
    expect(await rows.count()).toBe(1);
    expect(await drawer().getByTitle(sanctionId, { exact: true }).count()).toBe(1);
    await drawer().getByTitle('STORE_SHIELDING', { exact: true }).waitFor();
    expect(await drawer().innerText()).toContain('Node 12 · 24 h');
    await page.screenshot({ path: path.join(repoRoot, 'docs/screenshots/overview-drill-down.png'), fullPage: true });
    expect(await axeFindings(page, 'Overview, sanctions of a node (en)')).toEqual([]);
    await page.keyboard.press('Escape');
    await drawer().waitFor({ state: 'hidden' });

    await chooseRange('7 d', '7d');
    await page.getByTestId('buckets-chart').locator('[data-testid^="bucket-bar-"]').click();
    await drawer().getByTestId(`drill-merchant-${merchantId}`).waitFor();
    expect(await rows.count()).toBe(1);
    await drawer().getByTestId(`drill-merchant-${merchantId}`).click();
    await page.getByTestId('serious-points').filter({ hasText: '12' }).waitFor();
    expect(page.url()).toContain(`#/merchants/${merchantId}`);
  });

  it('passes axe in both languages with every chart and the drawer open', async () => {
    await page.getByRole('menuitem', { name: 'Overview' }).click();
    await page.getByTestId('node-bar-12').waitFor();
    // Away from the charts: a tooltip left open by the pointer is not the page.
    await page.mouse.move(0, 0);
    const findings = await axeFindings(page, 'Overview (en)');
    await page.getByText('中文', { exact: true }).click();
    await page.getByTestId('live-source').filter({ hasText: '来源：Prometheus' }).waitFor();
    findings.push(...(await axeFindings(page, 'Overview (zh)')));
    await page.getByTestId('nodes-table').getByRole('button').first().click();
    await drawer().getByTestId(`drill-merchant-${merchantId}`).waitFor();
    expect(await drawer().innerText()).toContain('处罚明细');
    findings.push(...(await axeFindings(page, 'Overview, sanctions of a node (zh)')));
    await page.keyboard.press('Escape');
    await page.getByText('EN', { exact: true }).click();
    expect(findings).toEqual([]);
  });

  it('lists the consumer lag most behind first, sorted, filtered and exported', async () => {
    const lagRows = () => rowTexts(page, 'consumer-lag');
    const cells = (rows: string[]) => rows.map((r) => r.split('\t').map((c) => c.trim()));
    await until(lagRows, (rows) => rows.length === 3, 'three partitions');
    expect(cells(await lagRows())).toEqual([
      ['scoring-service', 'violations.detected.v1', '0', '17'],
      ['sanction-service', 'penalties.assessed.v1', '2', '5'],
      ['scoring-service', 'violations.detected.v1', '1', '0'],
    ]);
    await page.getByTestId('consumer-lag').locator('thead th', { hasText: 'Partition' }).click();
    await until(async () => cells(await lagRows()).map((r) => r[2]), (p) => p.join() === '0,1,2', 'sorted by partition');
    await chooseFilter(page, 'consumer-lag-filter-lag', 'Behind');
    await until(async () => cells(await lagRows()).map((r) => r[3]), (lags) => lags.join() === '17,5', 'only the partitions behind');
    expect(await exportedCsv(page, 'consumer-lag')).toEqual([
      ['Service', 'Topic', 'Partition', 'Consumer lag'],
      ['scoring-service', 'violations.detected.v1', '0', '17'],
      ['sanction-service', 'penalties.assessed.v1', '2', '5'],
    ]);
    await chooseFilter(page, 'consumer-lag-filter-service', 'sanction-service');
    await until(lagRows, (rows) => rows.length === 1, 'one service behind');
    // Paged by the dashboard server from its latest figures, with the api tables' parameters.
    const lag = async (query: string, withSession = true) => {
      const response = await fetch(`${dashboard.url}/live/consumer-lag?${query}`, { headers: withSession ? { cookie: await cookie() } : {} });
      return { status: response.status, body: (await response.json()) as { items?: { partition: string; lag: number }[]; total?: number; code?: string; errors?: { field: string }[] } };
    };
    expect(await lag('sort=lag&order=desc&limit=2&offset=0')).toMatchObject({ status: 200, body: { total: 3, items: [{ partition: '0', lag: 17 }, { partition: '2', lag: 5 }] } });
    expect(await lag('state=caughtUp')).toMatchObject({ status: 200, body: { total: 1, items: [{ partition: '1', lag: 0 }] } });
    expect(await lag('sort=merchant&limit=501')).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID', errors: [{ field: 'sort' }, { field: 'limit' }] } });
    expect((await lag('', false)).status).toBe(401);
  });

  it('stops at boot on a malformed PROMETHEUS_URL, naming it', async () => {
    const misconfigured = new DashboardProcess(stack, { PROMETHEUS_URL: 'prometheus:9090' });
    const refusal = await misconfigured.start().then(() => undefined, (error: Error) => error.message);
    await misconfigured.stop();
    expect(refusal).toContain('exited with 1');
    expect(refusal).toContain('PROMETHEUS_URL must be an http or https URL');
  });

  it('shows a Prometheus that fails as such, logs it once and keeps serving, and recovers when it answers', async () => {
    prometheus.failing = true;
    await page.getByTestId('prometheus-unavailable').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('prometheus-unavailable').innerText()).toContain('Prometheus is unavailable');
    const failed = await fetch(`${dashboard.url}/live/history?range=24h`, { headers: { cookie: await cookie() } });
    expect(failed.status).toBe(503);
    expect(await failed.json()).toMatchObject({ code: 'LIVE.PROMETHEUS_UNAVAILABLE' });
    expect((await fetch(`${dashboard.url}/session`)).status).toBe(200);
    expect(dashboard.logs().match(/Prometheus at \S+ unavailable/g)).toHaveLength(1);
    prometheus.failing = false;
    await page.getByTestId('prometheus-unavailable').waitFor({ state: 'detached', timeout: 15_000 });
    expect(dashboard.logs()).toContain('answers again');
  });
});
