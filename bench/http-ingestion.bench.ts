// HTTP ingestion of the api on its own: requests/s and latency of POST /v1/violations (and of the batch
// route) at several client counts, on the real Kafka broker and PostgreSQL. Self-contained (the main
// side-by-side bench measures the same routes with the whole pipeline running).
//
//   node -r @swc-node/register bench/http-ingestion.bench.ts [--seconds 10] [--clients 1,16,64]
//        [--merchants 2000] [--batch 100] [--no-batch] [--all] [--env NAME=VALUE]… [--cpu-prof DIR]
//
// --all starts the four services, so the pipeline consumes what the api accepts (everything
// co-located, as in production on one machine); by default only the api runs. --cpu-prof writes a V8
// CPU profile of each service process to DIR when it stops (bench/cpu-profile.preload.ts) (open it in Chrome DevTools).
import { Agent, request } from 'node:http';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { aViolationEvent, PipelineStack, runId, SERVICE_APPS, type ServiceApp } from '@penalty/testing';

interface Options {
  seconds: number;
  clients: number[];
  merchants: number;
  batch: number;
  all: boolean;
  batchRoute: boolean;
  /** Extra environment for the services (e.g. INGESTION_GROUP_MAX_EVENTS=1000). */
  env: Record<string, string>;
  cpuProf?: string;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { seconds: 10, clients: [1, 16, 64], merchants: 2000, batch: 100, all: false, batchRoute: true, env: {} };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${argv[i - 1]} needs a value`);
      return v;
    };
    switch (argv[i]) {
      case '--seconds': options.seconds = Number(value()); break;
      case '--clients': options.clients = value().split(',').map(Number); break;
      case '--merchants': options.merchants = Number(value()); break;
      case '--batch': options.batch = Number(value()); break;
      case '--all': options.all = true; break;
      case '--no-batch': options.batchRoute = false; break;
      case '--env': {
        const [name, ...rest] = value().split('=');
        options.env[name] = rest.join('=');
        break;
      }
      case '--cpu-prof': options.cpuProf = path.resolve(value()); break;
      default: throw new Error(`unknown option ${argv[i]}`);
    }
  }
  if (![options.seconds, options.merchants, options.batch, ...options.clients].every((n) => Number.isInteger(n) && n > 0)) throw new Error('numbers must be whole and positive');
  return options;
}

interface Answer {
  status: number | string;
  ms: number;
  body: string;
}

function post(agent: Agent, url: URL, headers: Record<string, string>, body: string): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ status: error.code ?? 'ERROR', ms: performance.now() - started, body: '' }));
    req.end(body);
  });
}

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]);

interface Level {
  route: string;
  clients: number;
  requests: number;
  acceptedEvents: number;
  eventsPerSecond: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  others: Record<string, number>;
  /** CPU seconds of the api process per 1,000 accepted events (from its /metrics), whatever else the machine runs. */
  apiCpuPer1000: number;
}

/** The api process's CPU seconds so far (prom-client's process_cpu_seconds_total). */
async function apiCpuSeconds(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('process_cpu_seconds_total'));
  return line ? Number(line.split(' ').pop()) : NaN;
}

/** `clients` loops, each posting one request after the other for `seconds` on its own keep-alive connection. */
async function measure(baseUrl: string, apiKey: string, route: string, clients: number, seconds: number, body: () => { text: string; contentType: string }, acceptedOf: (a: Answer) => number): Promise<Level> {
  const url = new URL(route, baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const answers: Answer[] = [];
  const cpuBefore = await apiCpuSeconds(baseUrl);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const b = body();
        answers.push(await post(agent, url, { 'content-type': b.contentType, 'x-api-key': apiKey }, b.text));
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = (await apiCpuSeconds(baseUrl)) - cpuBefore;
  agent.destroy();
  const ok = answers.filter((a) => acceptedOf(a) > 0);
  const others: Record<string, number> = {};
  for (const a of answers) if (acceptedOf(a) === 0) others[String(a.status)] = (others[String(a.status)] ?? 0) + 1;
  const sorted = ok.map((a) => a.ms).sort((x, y) => x - y);
  const acceptedEvents = ok.reduce((n, a) => n + acceptedOf(a), 0);
  return {
    route, clients, requests: answers.length, acceptedEvents, eventsPerSecond: acceptedEvents / elapsed, requestsPerSecond: ok.length / elapsed,
    p50: percentile(sorted, 50), p99: percentile(sorted, 99), others, apiCpuPer1000: (cpu / Math.max(1, acceptedEvents)) * 1000,
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const apps: readonly ServiceApp[] = options.all ? SERVICE_APPS : ['api'];
  if (options.cpuProf) mkdirSync(options.cpuProf, { recursive: true });
  const stack = new PipelineStack({
    apps,
    // The bench measures capacity: the per-key rate limit (60,000 a minute by default) is lifted.
    env: { INGESTION_REQUESTS_PER_MINUTE: '100000000', TOPIC_PARTITIONS: '6', ...options.env, ...(options.cpuProf ? { NODE_OPTIONS: `--require @swc-node/register --require ${path.join(__dirname, 'cpu-profile.preload.ts')}`, CPU_PROFILE_DIR: options.cpuProf } : {}) },
  });
  console.log(`starting ${apps.join(', ')} on the real Kafka and PostgreSQL…`);
  await stack.start();
  const api = stack.service('api');
  const prefix = `bench-${runId()}-m-`;
  let next = 0;
  const event = () => aViolationEvent({ merchantId: `${prefix}${next++ % options.merchants}`, code: 'DELAYED_SHIPMENT', severity: 'MINOR' });
  const single = () => ({ text: JSON.stringify(event()), contentType: 'application/cloudevents+json' });
  const accepted202 = (a: Answer) => (a.status === 202 ? 1 : 0);
  const levels: Level[] = [];
  try {
    // Unmeasured: the first calls of a route warm the process up (JIT, pools, connections).
    await measure(api.baseUrl, stack.apiKey, '/v1/violations', 8, 3, single, accepted202);
    for (const clients of options.clients) {
      const level = await measure(api.baseUrl, stack.apiKey, '/v1/violations', clients, options.seconds, single, accepted202);
      report(level);
      levels.push(level);
    }
    const doc = (await (await fetch(`${api.baseUrl}/docs/openapi.json`)).json()) as { paths: Record<string, unknown> };
    const batchRoute = Object.keys(doc.paths).find((p) => p.startsWith('/v1/violations') && /batch/i.test(p));
    if (batchRoute && options.batchRoute) {
      const batch = () => ({ text: JSON.stringify(Array.from({ length: options.batch }, event)), contentType: 'application/cloudevents-batch+json' });
      const acceptedInBatch = (a: Answer) => {
        if (a.status !== 200 && a.status !== 207) return 0;
        const results = (JSON.parse(a.body) as { results: { status: string }[] }).results;
        return results.filter((r) => r.status === 'ACCEPTED').length;
      };
      await measure(api.baseUrl, stack.apiKey, batchRoute, 4, 2, batch, acceptedInBatch);
      for (const clients of options.clients) {
        const level = await measure(api.baseUrl, stack.apiKey, batchRoute, clients, options.seconds, batch, acceptedInBatch);
        report(level);
        levels.push(level);
      }
    } else if (!batchRoute) {
      console.log('no batch route in the OpenAPI document');
    }
  } finally {
    await stack.stop();
  }
  console.log(`\n| route | clients | accepted events/s | requests/s | p50 ms | p99 ms | api CPU s / 1,000 events | other answers |`);
  console.log(`|---|---|---|---|---|---|---|---|`);
  for (const l of levels) {
    console.log(`| \`${l.route}\`${l.route.includes('batch') ? ` (${options.batch} events)` : ''} | ${l.clients} | ${l.eventsPerSecond.toFixed(0)} | ${l.requestsPerSecond.toFixed(0)} | ${l.p50.toFixed(1)} | ${l.p99.toFixed(1)} | ${l.apiCpuPer1000.toFixed(2)} | ${JSON.stringify(l.others)} |`);
  }
  if (options.cpuProf) console.log(`\nCPU profile of the api in ${options.cpuProf}`);
}

function report(l: Level): void {
  console.log(`[${l.route} ${l.clients} client(s)] ${l.acceptedEvents} events accepted: ${l.eventsPerSecond.toFixed(0)} events/s, ${l.requestsPerSecond.toFixed(0)} requests/s, p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms, api CPU ${l.apiCpuPer1000.toFixed(2)} s per 1,000${Object.keys(l.others).length ? `, others ${JSON.stringify(l.others)}` : ''}`);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(error.stack ?? error.message);
    process.exit(1);
  },
);
