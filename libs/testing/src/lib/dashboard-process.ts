import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { HelperProcess } from './helper-process';
import type { PipelineStack } from './pipeline-stack';
import { freePort } from './service-process';

const repoRoot = path.resolve(__dirname, '../../../..');
/** A port nothing listens on: services a stack leaves out answer "connection refused" to the proxy. */
const ABSENT = 'http://127.0.0.1:9';

/** The ops dashboard's server (the built web app, the /svc proxy, /live) in front of a stack's services. */
export class DashboardProcess {
  private readonly helper = new HelperProcess('ops-dashboard');
  url = '';

  constructor(
    private readonly stack: PipelineStack,
    private readonly env: Record<string, string> = {},
  ) {}

  async start(): Promise<void> {
    if (!existsSync(path.join(repoRoot, 'apps/ops-dashboard/dist/index.html'))) {
      execFileSync('npx', ['vite', 'build', '-c', 'apps/ops-dashboard/vite.config.mts', '--logLevel', 'error'], { cwd: repoRoot, stdio: 'inherit' });
    }
    // A port chosen beforehand (HTTP_PORT) when something must know the dashboard's address first, e.g. an identity provider's redirect URI.
    const port = Number(this.env.HTTP_PORT ?? (await freePort()));
    this.url = `http://127.0.0.1:${port}`;
    const urlOf = (app: Parameters<PipelineStack['service']>[0]) => (this.stack.services.has(app) ? this.stack.service(app).baseUrl : ABSENT);
    const env = {
      ...process.env, HTTP_PORT: String(port), SCRAPE_INTERVAL_MS: '1000',
      API_URL: urlOf('api'), SCORING_URL: urlOf('scoring-service'), SANCTION_URL: urlOf('sanction-service'), NOTIFICATION_URL: urlOf('notification-service'),
      ...this.env,
    };
    await this.helper.start(['-r', '@swc-node/register', 'apps/ops-dashboard/server/main.ts'], { cwd: repoRoot, env }, this.url);
  }

  stop(): Promise<void> {
    return this.helper.stop();
  }

  logs(): string {
    return this.helper.logs();
  }
}

export interface LocalResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * An HTTP request from a chosen loopback address (127.0.0.2, 127.0.0.3 …: Linux answers all of
 * 127.0.0.0/8), so one machine can play several clients with addresses of their own.
 */
export function requestFrom(localAddress: string, url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<LocalResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, localAddress }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
