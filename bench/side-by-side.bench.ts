// Benchmark (a script that prints figures, not a test): the platform side by side with two reference
// systems on the same broker, database and event set (issue 9 items 6 and 7).
//
//   npm run bench -- [--violations 20000] [--merchants 2000] [--rate 500] [--partitions 6]
//                    [--http-seconds 10] [--http-clients 1,16,64] [--systems ABC]
//                    [--stall-seconds 120] [--timeout-seconds 900] [--cpu-prof DIR] [--service-env K=V,…]
//                    [--services dist|source]
//
// A: plain kafkajs 3-hop pass-through; B: the same hops with one PostgreSQL transaction per batch
// (processed ids + outbox rows, set-wise); C: the platform's four services. Each gets a burst and a
// paced run; then C's api gets HTTP ingestion at 1, 16 and 64 concurrent clients.
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Topics } from '@penalty/contracts';
import { aViolationEvent, obtainInfrastructure, PipelineStack, runId, SERVICE_APPS, type Infrastructure } from '@penalty/testing';
import { FloorSystem } from './floor-system';
import { findBatchRoute, measureIngestion, warmUp, type IngestionLevel } from './http-ingestion';
import { measureRun, type RunResult, type SystemName } from './measured-run';
import { platformExpectation, violationSet, CODE, SEVERITY, type EventSet } from './event-set';
import { databaseBackends, kafkaBroker, postgresCluster, postmasterPid, singleProcess, thisProcess, waitUntilQuiet, type Subject } from './process-usage';
import { Publisher } from './publisher';
import { FloorCollector, PlatformCollector } from './run-collectors';
import { renderReport, SYSTEM_NAMES, type ReportInput } from './side-by-side.report';
import { StatementStats, type StatementReport } from './statement-stats';
import { TopicTap } from './topic-tap';

const { values: args } = parseArgs({
  options: {
    violations: { type: 'string', default: '20000' },
    merchants: { type: 'string', default: '2000' },
    rate: { type: 'string', default: '500' },
    partitions: { type: 'string', default: '6' },
    'http-seconds': { type: 'string', default: '10' },
    'http-clients': { type: 'string', default: '1,16,64' },
    systems: { type: 'string', default: 'ABC' },
    'stall-seconds': { type: 'string', default: '120' },
    'timeout-seconds': { type: 'string', default: '900' },
    /** A V8 CPU profile of each of C's services, written to DIR when the stack stops (bench/cpu-profile.preload.ts). */
    'cpu-prof': { type: 'string' },
    /** Extra environment for C's services, K=V[,K=V…] (e.g. CONSUMER_FETCH_MIN_BYTES=65536,CONSUMER_FETCH_MAX_WAIT_MS=25). */
    'service-env': { type: 'string', default: '' },
    /** C's services from the production build (dist, compiled first as `npm run build` does) or from source (TypeScript compiled at load). */
    services: { type: 'string', default: 'dist' },
  },
  strict: true,
});

function positiveInteger(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

const options = {
  violations: positiveInteger('violations', args.violations),
  merchants: positiveInteger('merchants', args.merchants),
  rate: positiveInteger('rate', args.rate),
  partitions: positiveInteger('partitions', args.partitions),
  httpSeconds: positiveInteger('http-seconds', args['http-seconds']),
  httpClients: (args['http-clients'] ?? '').split(',').filter(Boolean).map((c) => positiveInteger('http-clients', c)),
  systems: new Set((args.systems ?? '').toUpperCase().split('').filter((s): s is SystemName => s === 'A' || s === 'B' || s === 'C')),
  stallMs: positiveInteger('stall-seconds', args['stall-seconds']) * 1000,
  maxMs: positiveInteger('timeout-seconds', args['timeout-seconds']) * 1000,
  cpuProf: args['cpu-prof'] ? path.resolve(args['cpu-prof']) : undefined,
  serviceEnv: Object.fromEntries(
    (args['service-env'] ?? '').split(',').filter(Boolean).map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new Error(`--service-env takes K=V[,K=V…], got ${JSON.stringify(pair)}`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  ) as Record<string, string>,
};
if (options.merchants > options.violations) throw new Error('--merchants must not exceed --violations');
if (args.services !== 'dist' && args.services !== 'source') throw new Error(`--services takes dist or source, got ${JSON.stringify(args.services)}`);
const servicesFrom = args.services;

/** What the report must say besides the figures (a run that started before the system was quiet). */
const notes: string[] = [];

/** Waits for `subjects` to go quiet before `what`, and notes it when they did not. */
async function quietBefore(what: string, subjects: Subject[]): Promise<void> {
  const busy = await waitUntilQuiet(subjects);
  if (busy) notes.push(`${what} started with the system ${busy}`);
}

notes.push(servicesFrom === 'dist' ? "C's services ran from the production build (dist/, compiled by tsc first), as the image runs them" : "C's services ran from source, compiled at load by @swc-node/register (more memory than the image's dist/)");
if (Object.keys(options.serviceEnv).length > 0) notes.push(`C's services ran with ${Object.entries(options.serviceEnv).map(([k, v]) => `${k}=${v}`).join(', ')}`);

/** Cleanups of what the run created, run on the way out (also on Ctrl-C). */
const cleanups: (() => Promise<void>)[] = [];
async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) await cleanups.pop()!().catch((error) => console.error('cleanup failed:', error));
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up (topics, databases, processes)…`);
    void cleanUp().finally(() => process.exit(130));
  });
}

function commitDescription(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const changed = execFileSync('git', ['status', '--porcelain', '--', 'apps', 'libs'], { encoding: 'utf8' }).split('\n').filter(Boolean).length;
    return changed > 0 ? `${commit} plus uncommitted changes in ${changed} file(s) under apps/ and libs/` : commit;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

interface Shared {
  infrastructure: Infrastructure;
  sets: { warmUp: EventSet; burst: EventSet; paced: EventSet };
  broker: Subject[];
  postmaster?: number;
}

function sharedSubjects(shared: Shared, database?: string): Subject[] {
  const subjects = [thisProcess('bench (publisher + recorder)'), ...shared.broker];
  if (shared.postmaster) {
    subjects.push(postgresCluster('PostgreSQL (all processes)', shared.postmaster));
    if (database) subjects.push(databaseBackends(`backends on ${database}`, 'PostgreSQL (all processes)', shared.postmaster, database));
  }
  return subjects;
}

async function runFloor(system: 'A' | 'B', shared: Shared): Promise<RunResult[]> {
  const floor = new FloorSystem(system === 'A' ? 'plain' : 'outbox', shared.infrastructure.kafkaBrokers, shared.infrastructure.databaseUrl, options.partitions);
  cleanups.push(() => floor.stop());
  console.log(`\n== ${SYSTEM_NAMES[system]}`);
  await floor.start();
  // A publisher per system: kafkajs keeps refreshing the metadata of every topic a producer ever sent to, and fails once one is deleted.
  const publisher = new Publisher(shared.infrastructure.kafkaBrokers);
  cleanups.push(() => publisher.stop());
  await publisher.start();
  const tap = new TopicTap(shared.infrastructure.kafkaBrokers, floor.topics.slice(1));
  cleanups.push(() => tap.stop());
  await tap.start();
  const hops = floor.hopProcesses.map((h) => singleProcess(h.name, h.pid));
  const subjects = [...hops, ...sharedSubjects(shared, system === 'B' ? floor.databaseName : undefined)];
  const results: RunResult[] = [];
  try {
    const warm = shared.sets.warmUp;
    await measureRun({ system, name: `${system} warm-up`, rate: 0, set: warm, inputTopic: floor.topics[0], collector: new FloorCollector(warm, floor.topics.slice(1)), subjects, stallMs: 30_000, maxMs: 120_000 }, tap, publisher);
    for (const [set, rate] of [[shared.sets.burst, 0], [shared.sets.paced, options.rate]] as const) {
      await quietBefore(`${system} ${rate > 0 ? 'paced' : 'burst'}`, hops);
      const result = await measureRun({ system, rate, set, inputTopic: floor.topics[0], collector: new FloorCollector(set, floor.topics.slice(1)), subjects, stallMs: options.stallMs, maxMs: options.maxMs }, tap, publisher);
      if (!result.finished) console.log(floor.logs());
      results.push(result);
    }
  } finally {
    await tap.stop();
    await publisher.stop();
    await floor.stop();
    cleanups.splice(-3, 3);
  }
  return results;
}

interface PlatformOutcome {
  results: RunResult[];
  http: IngestionLevel[];
  httpNote?: string;
  batchNote?: string;
  statements: StatementReport[];
}

/** The production build's compile step (tools/deploy/project.json `compile`): dist/, whose entry points the image runs. */
function compileServices(): string {
  const root = path.resolve(__dirname, '..');
  console.log('compiling the services into dist/ (tsc -p tsconfig.build.json, tsc-alias)…');
  for (const command of [['rm', '-rf', 'dist'], ['npx', 'tsc', '-p', 'tsconfig.build.json'], ['npx', 'tsc-alias', '-p', 'tsconfig.build.json']]) {
    execFileSync(command[0], command.slice(1), { cwd: root, stdio: 'inherit' });
  }
  return path.join(root, 'dist');
}

async function runPlatform(shared: Shared): Promise<PlatformOutcome> {
  console.log(`\n== ${SYSTEM_NAMES.C}`);
  // Ingestion is rate-limited per API key (60,000/min by default); the benchmark measures capacity, so the limit is lifted.
  if (options.cpuProf) mkdirSync(options.cpuProf, { recursive: true });
  const profiling: Record<string, string> = options.cpuProf ? { NODE_OPTIONS: `--require @swc-node/register --require ${path.join(__dirname, 'cpu-profile.preload.ts')}`, CPU_PROFILE_DIR: options.cpuProf } : {};
  const compiledRoot = servicesFrom === 'dist' ? compileServices() : undefined;
  const stack = new PipelineStack({ compiledRoot, env: { TOPIC_PARTITIONS: String(options.partitions), INGESTION_REQUESTS_PER_MINUTE: '100000000', ...options.serviceEnv, ...profiling } });
  cleanups.push(() => stack.stop());
  console.log('starting the four services…');
  await stack.start();
  const publisher = new Publisher(shared.infrastructure.kafkaBrokers);
  cleanups.push(() => publisher.stop());
  await publisher.start();
  const topics = [Topics.PenaltiesAssessedV1, Topics.SanctionsDecidedV1, Topics.NotificationsSentV1].map((t) => stack.topic(t));
  const tap = new TopicTap(shared.infrastructure.kafkaBrokers, topics);
  cleanups.push(() => tap.stop());
  await tap.start();
  const services = SERVICE_APPS.map((app) => singleProcess(app, stack.service(app).pid!));
  const subjects = [...services, ...sharedSubjects(shared, stack.databaseName)];
  const outcome: PlatformOutcome = { results: [], http: [], statements: [] };
  const statements = new StatementStats(shared.infrastructure.databaseUrl, stack.databaseName);
  try {
    const unavailable = await statements.start();
    if (unavailable) notes.push(unavailable);
    const warm = shared.sets.warmUp;
    await waitUntilQuiet(services);
    await measureRun({ system: 'C', name: 'C warm-up', rate: 0, set: warm, inputTopic: stack.topic(Topics.ViolationsDetectedV1), collector: new PlatformCollector(warm, platformExpectation(warm).sanctions), subjects, stallMs: 30_000, maxMs: 180_000 }, tap, publisher);
    for (const [set, rate] of [[shared.sets.burst, 0], [shared.sets.paced, options.rate]] as const) {
      const expected = platformExpectation(set);
      console.log(`expecting ${expected.assessed} penalty.assessed.v1, ${expected.sanctions} sanction.imposed.v1 and a notification.sent.v1 of each sanction (${expected.pointsPerViolation} points per violation, ladder ${expected.ladderNodes.join('/')})`);
      await quietBefore(`C ${rate > 0 ? 'paced' : 'burst'}`, services);
      await statements.reset();
      const result = await measureRun({ system: 'C', rate, set, inputTopic: stack.topic(Topics.ViolationsDetectedV1), collector: new PlatformCollector(set, expected.sanctions), subjects, stallMs: options.stallMs, maxMs: options.maxMs }, tap, publisher);
      outcome.results.push(result);
      const report = await statements.read(rate > 0 ? `paced ${rate}/s` : 'burst');
      if (report) outcome.statements.push(report);
    }
    if (options.httpClients.length > 0) await measureHttp(stack, services, outcome);
  } finally {
    await statements.stop();
    await tap.stop();
    await publisher.stop();
    await stack.stop();
    cleanups.splice(-3, 3);
  }
  return outcome;
}

async function measureHttp(stack: PipelineStack, services: Subject[], outcome: PlatformOutcome): Promise<void> {
  const target = { baseUrl: stack.service('api').baseUrl, apiKey: stack.apiKey };
  const prefix = `bench-${runId()}-http-m-`;
  let next = 0;
  const event = () => aViolationEvent({ merchantId: `${prefix}${next++ % options.merchants}`, code: CODE, severity: SEVERITY });
  const body = () => JSON.stringify(event());
  outcome.httpNote = `Each request is a new violation (${CODE} ${SEVERITY}) for one of ${options.merchants} merchants, so the pipeline processes them meanwhile; ${options.httpSeconds} s per level after ${100} unmeasured requests; before each level the bench waits (up to 60 s) until no service uses 10 % of a core. The per-key rate limit is lifted for the run (INGESTION_REQUESTS_PER_MINUTE).`;
  console.log('\n== HTTP ingestion');
  await waitUntilQuiet(services);
  await warmUp(target, '/v1/violations', 4, 100, body);
  for (const clients of options.httpClients) {
    await quietBefore(`HTTP at ${clients} client(s)`, services);
    const level = await measureIngestion(target, '/v1/violations', clients, options.httpSeconds, body);
    console.log(`[HTTP ${clients} client(s)] ${level.accepted} accepted in ${level.seconds.toFixed(1)} s: ${level.acceptedPerSecond.toFixed(0)}/s, p50 ${level.latency.p50.toFixed(0)} ms, p99 ${level.latency.p99.toFixed(0)} ms`);
    outcome.http.push(level);
  }
  const batch = await findBatchRoute(target, () => Array.from({ length: 100 }, event));
  if (!batch) {
    outcome.batchNote = 'No batch ingestion route is documented in the api\'s OpenAPI (`/docs/openapi.json`); none measured.';
    return;
  }
  if (!batch.accepts) {
    outcome.batchNote = `The api documents \`${batch.path}\`, but it refused the bench's bodies (${batch.probe}); not measured.`;
    return;
  }
  const shape = batch.accepts;
  for (const clients of options.httpClients.filter((c) => c > 1)) {
    await quietBefore(`HTTP batch at ${clients} client(s)`, services);
    const level = await measureIngestion(target, batch.path, clients, options.httpSeconds, () => shape.build(Array.from({ length: 100 }, event)), { contentType: shape.contentType, accepted: (status) => typeof status === 'number' && status >= 200 && status < 300, eventsPerRequest: 100 });
    console.log(`[HTTP batch ${clients} client(s)] ${level.accepted} batches of 100 accepted: ${level.eventsPerSecond.toFixed(0)} events/s, p99 ${level.latency.p99.toFixed(0)} ms`);
    outcome.http.push(level);
  }
  outcome.batchNote = `\`${batch.path}\` (found in the OpenAPI document) measured with batches of 100 events as \`${shape.contentType}\`.`;
}

async function main(): Promise<void> {
  const id = runId();
  console.log('obtaining Kafka and PostgreSQL…');
  const infrastructure = await obtainInfrastructure();
  // The platform's stack must use the very same broker and database (it would otherwise obtain its own).
  process.env.KAFKA_BROKERS = infrastructure.kafkaBrokers;
  process.env.DATABASE_URL = infrastructure.databaseUrl;
  cleanups.push(() => infrastructure.stop());
  const broker = kafkaBroker('Kafka broker (JVM)');
  const postmaster = postmasterPid();
  const shared: Shared = {
    infrastructure,
    // The same two event sets go to every system: one for the burst, one for the paced run.
    sets: {
      // Unmeasured, before each system's burst: its processes' first events are slow (JIT, connection pools, metadata).
      warmUp: violationSet(`bench-${id}-warmup-m-`, Math.min(1000, Math.max(100, Math.round(options.violations / 20))), Math.max(1, Math.round(options.merchants / 20))),
      burst: violationSet(`bench-${id}-burst-m-`, options.violations, options.merchants),
      paced: violationSet(`bench-${id}-paced-m-`, options.violations, options.merchants),
    },
    broker: broker ? [broker] : [],
    postmaster,
  };
  const expected = platformExpectation(shared.sets.burst);
  const header = [
    `${new Date().toISOString()}, commit ${commitDescription()}; ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), shared with whatever else runs on the machine`,
    `Kafka ${infrastructure.kafkaBrokers} and PostgreSQL ${new URL(infrastructure.databaseUrl).host} (${infrastructure.origin}); ${options.partitions} partitions per topic in every system`,
    `event set: ${options.violations.toLocaleString('en-US')} violation.detected.v1 (${CODE} ${SEVERITY}, ${expected.pointsPerViolation} points each under the default rule data) over ${options.merchants.toLocaleString('en-US')} merchants, round-robin; C must publish ${expected.assessed.toLocaleString('en-US')} penalties, ${expected.sanctions.toLocaleString('en-US')} sanctions (ladder nodes ${expected.ladderNodes.join('/')} each merchant's points reach) and a notification of each sanction`,
    `burst: published at once in sends of 1,000; paced: ${options.rate}/s in 20 sends a second. The same event sets go to A, B and C (fresh topics, schemas and databases per system), each system first getting an unmeasured warm-up of ${shared.sets.warmUp.events.length} events`,
    'A and B: each hop is its own Node process (kafkajs eachBatch, every partition at once, the platform\'s producer settings: idempotent, keyed); B per batch: BEGIN; INSERT processed ids (unnest, ON CONFLICT DO NOTHING); INSERT outbox rows (unnest); COMMIT; publish them; DELETE them; commit offsets',
    `CPU: utime+stime from /proc/<pid>/stat before and after; PostgreSQL = postmaster and all its processes (exited backends included through the postmaster's cutime/cstime); peak RSS sampled every 200 ms (PostgreSQL: private memory of every process + the largest shared mapping once)`,
    ...(broker ? [] : ['the Kafka broker is not a local process of scripts/infra (no pid file): its CPU is not measured']),
    ...(postmaster ? [] : ['PostgreSQL is not a local cluster of scripts/infra (no postmaster.pid): its CPU is not measured']),
  ];
  const input: ReportInput = { header, results: [], failures: [], http: [], violations: options.violations, merchants: options.merchants, rate: options.rate, services: [...SERVICE_APPS] };
  for (const system of ['A', 'B'] as const) {
    if (!options.systems.has(system)) continue;
    try {
      input.results.push(...(await runFloor(system, shared)));
    } catch (error) {
      console.error(`${system} failed:`, error);
      input.failures.push({ system, reason: (error as Error).message.split('\n')[0] });
    }
  }
  if (options.systems.has('C')) {
    try {
      const platform = await runPlatform(shared);
      input.results.push(...platform.results);
      input.http = platform.http;
      input.httpNote = platform.httpNote;
      input.batchNote = platform.batchNote;
      input.statements = platform.statements;
    } catch (error) {
      console.error('C failed:', error);
      input.failures.push({ system: 'C', reason: (error as Error).message.split('\n')[0] });
    }
  }
  input.notes = notes;
  console.log(renderReport(input));
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await cleanUp();
    // kafkajs and pg timers must not keep a finished benchmark alive.
    process.exit();
  });
