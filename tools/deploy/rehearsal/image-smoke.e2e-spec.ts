import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { logLevel } from 'kafkajs';
import { createKafkaClient } from '@penalty/messaging';
import { Topics } from '@penalty/contracts';
import { aMerchantId, aProfileEvent, aViolationEvent, createFreshDatabase, dropDatabase, freePort, obtainInfrastructure, runId, TopicRecorder, type Infrastructure } from '@penalty/testing';
import { SERVICE_APPS } from '../apps';
import { healthcheckOf, stageNamed } from './dockerfile';
import { DockerImageUnderTest, RehearsedImageUnderTest, saveLogs, type ImageUnderTest, type RunningApp } from './image-processes';
import { readDockerfile, replayRuntimeStage } from './runtime-stage';

/**
 * The image, end to end: the Dockerfile's runtime stage (production dependencies from the lockfile
 * with `npm ci --omit=dev`, the compiled dist/ of `npm run build`, the image's Node version, its ENV,
 * ENTRYPOINT and HEALTHCHECK) runs the provisioning job, then the four services and the dashboard,
 * on real Kafka and PostgreSQL. Where a Docker engine answers, the image itself is built and run as
 * containers instead. tools/deploy/image-rehearsal.sh runs this after `npm run build`.
 */
const repoRoot = path.resolve(__dirname, '../../..');
const id = runId();
const namespace = `smoke-${id}.`;
const admin = { username: 'smoke-admin', password: randomBytes(18).toString('base64url') };
const apiKey = `pk_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
const useDocker = dockerEngineAnswers();

let image: ImageUnderTest;
let workDir: string | undefined;
let infrastructure: Infrastructure;
let databaseUrl: string;
let recorder: TopicRecorder;
const running = new Map<string, RunningApp>();

const url = (app: string, route: string) => `${running.get(app)!.baseUrl}${route}`;

beforeAll(async () => {
  const dockerfile = readDockerfile(repoRoot);
  if (useDocker) {
    const tag = `penalty-platform:smoke-${id}`;
    DockerImageUnderTest.build(repoRoot, tag);
    const healthcheck = stageNamed(dockerfile, 'runtime').instructions.find((i) => i.keyword === 'HEALTHCHECK')!;
    image = new DockerImageUnderTest(tag, healthcheckOf(healthcheck.args).command, id);
  } else {
    const nodeVersion = dockerfile.globalArgs.NODE_VERSION;
    const nodeBin = execFileSync('bash', [path.join(repoRoot, 'tools/deploy/node-lts.sh'), nodeVersion], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
    workDir = mkdtempSync(path.join(tmpdir(), 'penalty-image-'));
    const rehearsed = replayRuntimeStage({ repoRoot, root: workDir, nodeBin });
    console.log(`image rehearsal (Node ${nodeVersion}) in ${workDir}:\n  ${rehearsed.log.join('\n  ')}`);
    image = new RehearsedImageUnderTest(rehearsed, `${nodeBin}${path.delimiter}/usr/local/bin:/usr/bin:/bin`);
  }

  infrastructure = await obtainInfrastructure();
  databaseUrl = await createFreshDatabase(infrastructure.databaseUrl, `smoke_${id}`);
  const env = {
    KAFKA_BROKERS: infrastructure.kafkaBrokers,
    DATABASE_URL: databaseUrl,
    TOPIC_NAMESPACE: namespace,
    TOPIC_PARTITIONS: '3',
    AUTH_SESSION_SECRET: randomBytes(32).toString('base64url'),
    WEBHOOK_SIGNING_SECRET: randomBytes(32).toString('base64url'),
    BOOTSTRAP_ADMIN_USERNAME: admin.username,
    BOOTSTRAP_ADMIN_PASSWORD: admin.password,
    BOOTSTRAP_API_KEY: apiKey,
    BOOTSTRAP_API_KEY_SCOPES: 'violations:write,standing:read',
  };

  // The provisioning job first, as the chart's pre-install hook and compose's `provision` run it.
  // It starts the four services at once on HTTP_PORT, HTTP_PORT+1, …
  const provision = image.run('provision', await consecutiveFreePorts(SERVICE_APPS.length), env);
  running.set('provision', provision);
  let timer: NodeJS.Timeout | undefined;
  const provisioned = await Promise.race([provision.exited, new Promise<string>((r) => (timer = setTimeout(() => r('no end after 300 s'), 300_000)))]);
  clearTimeout(timer);
  if (provisioned !== 'code 0') throw new Error(`provision ended with ${provisioned}:\n${provision.logs()}`);

  for (const app of SERVICE_APPS) running.set(app, image.run(app, await freePort(), env));
  running.set(
    'ops-dashboard',
    image.run('ops-dashboard', await freePort(), {
      API_URL: running.get('api')!.baseUrl,
      SCORING_URL: running.get('scoring-service')!.baseUrl,
      SANCTION_URL: running.get('sanction-service')!.baseUrl,
      NOTIFICATION_URL: running.get('notification-service')!.baseUrl,
    }),
  );
  await Promise.all([...SERVICE_APPS.map((app) => untilOk(app, '/health/ready')), untilOk('ops-dashboard', '/')]);
  recorder = new TopicRecorder(infrastructure.kafkaBrokers, [namespace + Topics.PenaltiesAssessedV1, namespace + Topics.NotificationsSentV1]);
  await recorder.start();
}, 900_000);

afterAll(async () => {
  await recorder?.stop();
  const stopped = await Promise.all([...running.values()].map(async (app) => `${app.app}: ${await app.stop()}`));
  const logs = saveLogs(repoRoot, `smoke-${id}`, running.values());
  console.log(`stopped (${stopped.join(', ')}); logs in ${path.relative(repoRoot, logs)}`);
  if (infrastructure) {
    await deleteTopics().catch(() => undefined);
    await dropDatabase(infrastructure.databaseUrl, `smoke_${id}`).catch(() => undefined);
    await infrastructure.stop();
  }
  image?.dispose();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}, 120_000);

describe(`the image (${useDocker ? 'Docker' : 'runtime stage replayed without Docker'})`, () => {
  it('installs production dependencies only', () => {
    if (!workDir) return; // a built image is checked by the Dockerfile's own `npm ci --omit=dev`
    const installed = (name: string) => existsSync(path.join(workDir!, 'node_modules', name, 'package.json'));
    expect(['@nestjs/core', 'kafkajs', 'pg', 'express', 'http-proxy-middleware'].filter((name) => !installed(name))).toEqual([]);
    expect(['typescript', '@swc-node/register', '@swc/core', 'jest', 'nx', 'vite', 'react', 'antd', 'tsc-alias'].filter(installed)).toEqual([]);
  });

  it('runs every service from dist/ with plain node: live, ready, metrics, and the HEALTHCHECK passes', async () => {
    for (const app of SERVICE_APPS) {
      expect([app, (await fetch(url(app, '/health/live'))).status]).toEqual([app, 200]);
      expect([app, (await fetch(url(app, '/health/ready'))).status]).toEqual([app, 200]);
      expect(await (await fetch(url(app, '/metrics'))).text()).toContain('# TYPE');
      expect([app, healthy(running.get(app)!)]).toEqual([app, true]);
    }
    expect(healthy(running.get('ops-dashboard')!)).toBe(true);
  });

  it('takes a violation POSTed with the bootstrap API key through penalty.assessed.v1 to a notification', async () => {
    const merchantId = aMerchantId('smoke');
    await publishProfile(merchantId);
    const event = aViolationEvent({ merchantId, code: 'FAKE_TRANSACTION', severity: 'MINOR' });
    const posted = await fetch(url('api', '/v1/violations'), {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json', 'x-api-key': apiKey },
      body: JSON.stringify(event),
    });
    expect(posted.status).toBe(202);
    const [assessed] = await recorder.waitFor((m) => m.topic === namespace + Topics.PenaltiesAssessedV1 && m.key === merchantId, 1, 90_000);
    expect(assessed.json!.data).toMatchObject({ merchantId, violationId: event.data.violationId, points: 1 });
    const [sent] = await recorder.waitFor((m) => m.topic === namespace + Topics.NotificationsSentV1 && m.key === merchantId, 1, 90_000);
    expect(sent.json!.data).toMatchObject({ merchantId, channel: 'INBOX', status: 'DELIVERED' });
  });

  it('serves the dashboard, whose proxy signs the bootstrap admin in and reads a merchant inbox', async () => {
    const page = await fetch(url('ops-dashboard', '/'));
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<script[^>]+src="\/assets\/[^"]+\.js"/);
    const signIn = await fetch(url('ops-dashboard', '/svc/api/v1/auth/sign-in'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(admin),
    });
    expect(signIn.status).toBe(200);
    const cookies = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const me = await fetch(url('ops-dashboard', '/svc/api/v1/auth/me'), { headers: { cookie: cookies } });
    expect(await me.json()).toMatchObject({ subject: admin.username, roles: ['admin'] });
    const [sent] = recorder.matching((m) => m.topic === namespace + Topics.NotificationsSentV1);
    const inbox = await fetch(url('ops-dashboard', `/svc/notification-service/v1/merchants/${sent.key}/inbox`), { headers: { cookie: cookies } });
    expect(inbox.status).toBe(200);
    expect(((await inbox.json()) as { items: unknown[] }).items.length).toBeGreaterThan(0);
  });

  it('stops every app gracefully on SIGTERM', async () => {
    const ends = await Promise.all([...running.values()].filter((app) => app.app !== 'provision').map(async (app) => [app.app, await app.stop()]));
    expect(ends.filter(([, how]) => /SIGKILL|code 137/.test(how))).toEqual([]);
  });
});

/** As Docker judges it: unhealthy only after --retries (3) failed checks in a row. */
function healthy(app: RunningApp): boolean {
  return [1, 2, 3].some(() => image.healthcheck(app));
}

async function consecutiveFreePorts(count: number): Promise<number> {
  for (;;) {
    const first = await freePort();
    const rest = await Promise.all(Array.from({ length: count - 1 }, (_, i) => canListen(first + i + 1)));
    if (rest.every(Boolean)) return first;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

async function untilOk(app: string, route: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const target = running.get(app)!;
  let ended: string | undefined;
  void target.exited.then((how) => (ended = how));
  while (Date.now() < deadline) {
    if (ended) throw new Error(`${app} ended (${ended}) before answering ${route}:\n${target.logs()}`);
    const ok = await fetch(url(app, route), { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${app} did not answer ${route} within ${timeoutMs} ms:\n${target.logs()}`);
}

async function publishProfile(merchantId: string): Promise<void> {
  const producer = createKafkaClient({ clientId: 'image-smoke', brokers: infrastructure.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  try {
    const event = aProfileEvent({ merchantId });
    await producer.send({ topic: namespace + Topics.MerchantsProfilesV1, acks: -1, messages: [{ key: merchantId, value: JSON.stringify(event), headers: { 'content-type': 'application/cloudevents+json' } }] });
  } finally {
    await producer.disconnect();
  }
}

async function deleteTopics(): Promise<void> {
  const admin = createKafkaClient({ clientId: 'image-smoke-admin', brokers: infrastructure.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const ours = (await admin.listTopics()).filter((t) => t.startsWith(namespace));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
  } finally {
    await admin.disconnect();
  }
}

function dockerEngineAnswers(): boolean {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}
