import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ENTRY_POINTS, SERVICE_APPS } from './apps';

/**
 * The migrations-and-topics job (the chart's pre-install/pre-upgrade Job, compose's `provision`).
 *
 * The services have no "migrate and exit" mode: each one migrates its own schema, creates the
 * contract's topics (TOPIC_PARTITIONS, TOPIC_REPLICATION_FACTOR, TOPIC_MIN_INSYNC_REPLICAS) and, for
 * the api, the bootstrap admin and API key as it starts, and reports /health/ready only after that. So
 * this job runs each service's own start (all four at once, as a rollout would, each on its own
 * port from HTTP_PORT up), waits for ready and stops it with SIGTERM (Nest's graceful shutdown).
 * Exit 0 means every schema is migrated and every topic exists before the Deployments roll.
 * While a service runs here it is a real, short-lived replica (it may join its consumer group).
 */
const distRoot = path.resolve(__dirname, '../..');
const basePort = Number(process.env.HTTP_PORT ?? 3000);
const readyTimeoutMs = Number(process.env.PROVISION_READY_TIMEOUT_SECONDS ?? 300) * 1000;
const stopGraceMs = 30_000;
const children = new Set<ChildProcess>();

async function provision(app: (typeof SERVICE_APPS)[number], port: number): Promise<void> {
  const started = Date.now();
  const child = spawn(process.execPath, [path.join(distRoot, ENTRY_POINTS[app])], {
    env: { ...process.env, HTTP_PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitUntilReady(app, child, port, started);
    console.log(`provision: ${app} migrated and its topics exist (${Date.now() - started} ms)`);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
      await exited;
      clearTimeout(timer);
    }
    children.delete(child);
  }
}

async function waitUntilReady(app: string, child: ChildProcess, port: number, started: number): Promise<void> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${app} exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    if (Date.now() - started > readyTimeoutMs) throw new Error(`${app} not ready after ${readyTimeoutMs} ms`);
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
    if (ready) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

// A Job that is deleted or times out passes its SIGTERM on to the services it is running.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    for (const child of children) child.kill('SIGTERM');
  });
}

(async () => {
  const results = await Promise.allSettled(SERVICE_APPS.map((app, i) => provision(app, basePort + i)));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
  if (failures.length > 0) throw new Error(failures.join('; '));
  console.log('provision: done');
})().catch((error: Error) => {
  console.error(`provision failed: ${error.message}`);
  process.exit(1);
});
