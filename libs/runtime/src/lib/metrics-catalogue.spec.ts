import { readFileSync } from 'fs';
import { join } from 'path';
import { PipelineMetrics } from './metrics';

// The dashboard and alert rules in monitoring/ query metrics by name, and a query on a name nothing
// exports silently shows "No data" or never fires. This spec ties them to what the services export.
const REPO = join(__dirname, '../../../..');
const DASHBOARD = join(REPO, 'monitoring/grafana/penalty-pipeline.dashboard.json');
const ALERTS = join(REPO, 'monitoring/prometheus/alerts.yml');
const DELIVERY_WORKER = join(REPO, 'libs/notifications/src/lib/delivery/notification-delivery.worker.ts');

/** Metric names as PromQL sees them; digits included so names like nodejs_eventloop_lag_p99_seconds are checked too. */
const METRIC_NAME = /\b(penalty_[a-z0-9_]+|process_[a-z0-9_]+|nodejs_[a-z0-9_]+|up)\b/g;
/** Series Prometheus itself writes for every target. */
const SCRAPE_SERIES = ['up'];

interface Target {
  expr?: string;
  refId?: string;
}
interface Panel {
  id: number;
  type: string;
  title?: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: string | { query?: string }; definition?: string }[] };
}

/** Every series name one service's registry exposes (a histogram as _bucket, _sum and _count). */
async function exportedSeries(metrics: PipelineMetrics): Promise<Set<string>> {
  const names = new Set<string>();
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    const type = String(metric.type); // the typings say a numeric enum; the JSON holds 'counter', 'histogram', ...
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(metric.name + suffix);
    else if (type === 'summary') for (const suffix of ['', '_sum', '_count']) names.add(metric.name + suffix);
    else names.add(metric.name);
    for (const value of metric.values) names.add((value as { metricName?: string }).metricName ?? metric.name);
  }
  return names;
}

/** Gives every PipelineMetrics series a value, as a running service would. */
function exerciseAll(metrics: PipelineMetrics): void {
  const topic = 'violations.detected.v1';
  metrics.consumed.inc({ topic });
  metrics.processed.inc({ topic });
  metrics.duplicates.inc({ topic });
  metrics.deadLettered.inc({ topic, reason: 'REJECTED' });
  metrics.batchSeconds.observe({ topic }, 0.02);
  metrics.outboxBacklog.set(3);
  metrics.outboxPublished.inc({ topic: 'penalties.assessed.v1' });
  metrics.consumerLag.set({ topic, partition: '0' }, 5);
}

/** The metric names the notification service registers beside PipelineMetrics, read from its source so a rename there fails here. */
function deliveryWorkerMetricNames(): string[] {
  return [...readFileSync(DELIVERY_WORKER, 'utf8').matchAll(/['"`](penalty_[a-z0-9_]+)['"`]/g)].map((m) => m[1]);
}

function allPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);
}

function dashboardExprs(dashboard: Dashboard): string[] {
  const fromPanels = allPanels(dashboard.panels).flatMap((panel) => (panel.targets ?? []).map((target) => target.expr ?? ''));
  const fromVariables = dashboard.templating.list
    .filter((variable) => variable.type === 'query')
    .flatMap((variable) => [typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? ''), variable.definition ?? '']);
  return [...fromPanels, ...fromVariables].filter((expr) => expr.trim() !== '');
}

/** `expr:` values of a Prometheus rule file: plain or quoted on one line, or a `|` / `>` block of deeper-indented lines. */
function ruleExprs(yaml: string): string[] {
  const lines = yaml.split('\n');
  const exprs: string[] = [];
  lines.forEach((line, index) => {
    const match = /^(\s*)(?:-\s+)?expr:\s*(.*)$/.exec(line);
    if (!match) return;
    const [, indent, rest] = match;
    if (!/^[|>][-+]?\s*(#.*)?$/.test(rest)) {
      exprs.push(rest.replace(/^(['"])(.*)\1$/, '$2'));
      return;
    }
    const block: string[] = [];
    for (const next of lines.slice(index + 1)) {
      if (next.trim() !== '' && next.length - next.trimStart().length <= indent.length) break;
      block.push(next.trim());
    }
    exprs.push(block.join(' ').trim());
  });
  return exprs;
}

/** Metric names a PromQL expression reads, ignoring quoted label values and Grafana variables. */
function metricNamesIn(expr: string): string[] {
  const code = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""').replace(/\$\{?\w+\}?/g, '');
  return [...code.matchAll(METRIC_NAME)].map((m) => m[1]);
}

describe('metrics catalogue (monitoring/ dashboard and alerts)', () => {
  let exported: Set<string>;
  const dashboard: Dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8'));
  const alerts = readFileSync(ALERTS, 'utf8');

  beforeAll(async () => {
    const metrics = new PipelineMetrics('catalogue-spec');
    exerciseAll(metrics);
    exported = await exportedSeries(metrics);
    const workerNames = deliveryWorkerMetricNames();
    expect(workerNames).toContain('penalty_notification_deliveries_total');
    for (const name of [...workerNames, ...SCRAPE_SERIES]) exported.add(name);
  });

  it('knows the pipeline series and the default process metrics', () => {
    for (const name of [
      'penalty_events_consumed_total',
      'penalty_batch_processing_seconds_bucket',
      'penalty_consumer_lag',
      'process_resident_memory_bytes',
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(exported).toContain(name);
    }
    // A histogram's own name is not a series: querying it finds nothing.
    expect(exported).not.toContain('penalty_batch_processing_seconds');
  });

  it('extracts names from expressions the way the checks below rely on', () => {
    expect(metricNamesIn('sum by (le) (rate(penalty_x_bucket{service=~"$service", topic="nodejs_not_a_metric"}[$__rate_interval])) or up')).toEqual([
      'penalty_x_bucket',
      'up',
    ]);
    expect(ruleExprs('  - alert: A\n    expr: |\n      a_total\n        / b_total\n    for: 5m\n  - alert: B\n    expr: "up == 0"\n')).toEqual(['a_total / b_total', 'up == 0']);
  });

  it('the dashboard queries only metrics the services export', () => {
    const exprs = dashboardExprs(dashboard);
    expect(exprs.length).toBeGreaterThan(10);
    const unknown = exprs.flatMap((expr) => metricNamesIn(expr).filter((name) => !exported.has(name)).map((name) => `${name} in ${expr}`));
    expect(unknown).toEqual([]);
  });

  it('the alert rules query only metrics the services export', () => {
    const exprs = ruleExprs(alerts);
    expect(exprs).toHaveLength((alerts.match(/^\s*-\s+(alert|record):/gm) ?? []).length);
    const unknown = exprs.flatMap((expr) => metricNamesIn(expr).filter((name) => !exported.has(name)).map((name) => `${name} in ${expr}`));
    expect(unknown).toEqual([]);
  });

  it('the dashboard is well formed: schema 39, unique panel ids, every panel titled, described, on a data source, with a query', () => {
    expect(dashboard.schemaVersion).toBe(39);
    const panels = allPanels(dashboard.panels);
    const ids = panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const queryPanels = panels.filter((panel) => panel.type !== 'row');
    expect(queryPanels.length).toBeGreaterThan(10);
    const problems = queryPanels.flatMap((panel) => {
      const where = `panel ${panel.id} (${panel.title ?? 'untitled'})`;
      return [
        !panel.title?.trim() && `${where} has no title`,
        !panel.description?.trim() && `${where} has no description`,
        (panel.datasource?.type !== 'prometheus' || !panel.datasource.uid) && `${where} has no Prometheus data source`,
        !panel.targets?.length && `${where} has no query`,
        (panel.targets ?? []).some((target) => !target.expr?.trim()) && `${where} has an empty query`,
      ].filter((problem): problem is string => typeof problem === 'string');
    });
    expect(problems).toEqual([]);
  });
});
