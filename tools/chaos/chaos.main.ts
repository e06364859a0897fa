// The chaos suite (not a jest test): the whole platform, two replicas of every service, on a Kafka
// broker and a PostgreSQL server of its own, fed violations at a steady rate while replicas are
// SIGKILLed and SIGSTOPped, the broker is killed -9 and the database stopped immediately. It then
// compares what went in with what came out, from the outside only (topics and HTTP), and exits
// non-zero when anything was lost, doubled or wrong.
//   npm run chaos -- [short|long] [--messages N] [--merchants M] [--rate R] [--seed S] ...   (--help)
import 'reflect-metadata';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { logLevel } from 'kafkajs';
import { createKafkaClient } from '@penalty/messaging';
import { newApiKey } from '@penalty/auth';
import { naturalYearOf } from '@penalty/domain';
import { createFreshDatabase, runId as newRunId } from '@penalty/testing';
import { ChaosInfrastructure } from './chaos-infrastructure';
import { parseChaosOptions } from './chaos-options';
import { formatReport, passed, type ChaosReport } from './chaos-report';
import { planEvents, type PlannedMessage } from './event-plan';
import { expectedOutcome, type ExpectedOutcome } from './expected-outcome';
import { FaultRunner } from './fault-runner';
import { checkOutcome, type StandingReading } from './outcome-checks';
import { OutcomeRecorder, PublicTopics } from './outcome-recorder';
import { recoveryFigures, stageItems } from './recovery-times';
import { ReplicatedPlatform } from './replicated-platform';
import { SteadyPublisher } from './steady-publisher';

const repoRoot = path.resolve(__dirname, '../..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Things to undo on every way out (success, failure, Ctrl-C), last registered first. */
const cleanups: { name: string; run: () => Promise<void> }[] = [];
let cleaningUp: Promise<void> | undefined;
/** Set once the replicas exist, so that an interruption stops them being restarted at once. */
let platformOfRun: ReplicatedPlatform | undefined;
function cleanUp(): Promise<void> {
  cleaningUp ??= (async () => {
    for (const { name, run } of cleanups.reverse()) {
      try {
        await Promise.race([run(), sleep(90_000).then(() => Promise.reject(new Error('timed out after 90 s')))]);
      } catch (error) {
        console.error(`[chaos] cleanup of ${name} failed: ${(error as Error).message}`);
      }
    }
  })();
  return cleaningUp;
}
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (error: unknown) => {
    console.error(`[chaos] ${event}: ${(error as Error)?.stack ?? String(error)}`);
    platformOfRun?.close();
    void cleanUp().finally(() => process.exit(2));
  });
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    console.error(`\n[chaos] ${signal}: stopping the replicas, the broker and the database…`);
    platformOfRun?.close();
    void cleanUp().finally(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  const options = parseChaosOptions(process.argv.slice(2));
  const runId = newRunId();
  const startedAt = Date.now();
  const logDir = path.join(repoRoot, '.local/chaos-logs', `${new Date(startedAt).toISOString().replace(/[:.]/g, '-')}-${runId}`);
  mkdirSync(logDir, { recursive: true });
  const progressFile = path.join(logDir, 'progress.log');
  const progress = (line: string) => {
    const stamped = `[chaos ${((Date.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${line}`;
    console.log(stamped);
    appendFileSync(progressFile, stamped + '\n');
  };
  progress(`run ${runId}: ${options.size}, ${options.messages} messages over ${options.merchants} merchants at ${options.rate}/s, ${options.faults.length} faults, seed ${options.seed}; logs in ${path.relative(repoRoot, logDir)}`);

  const infrastructure = new ChaosInfrastructure(runId, path.join(logDir, 'infrastructure.log'));
  cleanups.push({ name: 'broker and database', run: () => infrastructure.stop(options.keepState) });
  progress(`starting a Kafka broker and a PostgreSQL server of the run's own (${infrastructure.stateDir})`);
  await infrastructure.start();
  progress(`  broker ${infrastructure.kafkaBrokers}, database ${infrastructure.databaseServerUrl.replace(/:[^:@/]+@/, ':***@')}`);

  const namespace = `chaos-${runId}.`;
  const apiKey = newApiKey().key;
  const env: Record<string, string> = {
    KAFKA_BROKERS: infrastructure.kafkaBrokers,
    DATABASE_URL: await createFreshDatabase(infrastructure.databaseServerUrl, `chaos_${runId}`),
    TOPIC_NAMESPACE: namespace,
    TOPIC_PARTITIONS: '6',
    AUTH_SESSION_SECRET: `chaos-session-secret-${runId}-${apiKey.slice(-16)}`,
    WEBHOOK_SIGNING_SECRET: `chaos-webhook-secret-${runId}`,
    BOOTSTRAP_API_KEY: apiKey,
    BOOTSTRAP_API_KEY_SCOPES: 'violations:write,standing:read',
  };
  const platform = new ReplicatedPlatform(env, options.replicasPerApp, logDir, progress);
  platformOfRun = platform;
  cleanups.push({ name: 'replicas', run: () => platform.stop() });
  progress(`starting ${options.replicasPerApp} replicas of each service`);
  await platform.start();

  const deadLetterTopics = await listTopics(infrastructure.kafkaBrokers, (t) => t.startsWith(namespace) && t.endsWith('.dlq'));
  const recorder = new OutcomeRecorder(infrastructure.kafkaBrokers, namespace, deadLetterTopics, progress);
  cleanups.push({ name: 'recorder', run: () => recorder.stop() });
  await recorder.start();

  const plan = planEvents(options, runId);
  const poisonByValue = new Map(plan.messages.filter((m): m is Extract<PlannedMessage, { kind: 'poison' }> => m.kind === 'poison').map((m) => [m.value, m]));
  const merchantIds = new Set(plan.merchantIds);
  const plannedViolations = new Set(plan.messages.flatMap((m) => (m.kind === 'violation' ? [m.event.data.violationId] : [])));
  const publisher = new SteadyPublisher(infrastructure.kafkaBrokers, namespace, () => platform.of('api').map((r) => r.baseUrl), apiKey, progress);
  const faults = new FaultRunner(platform, infrastructure, namespace, progress);

  progress(`publishing ${plan.messages.length} messages (${plan.counts.violation} violations, ${plan.counts['same-event'] + plan.counts['same-violation']} duplicates, ${plan.counts.poison} poison, ${plan.counts.profile} profiles) while injecting ${options.faults.length} faults`);
  const publishingStartedAt = Date.now();
  // The machine is shared: its load during the run says how far the figures are the platform's own.
  const loadSamples: number[] = [];
  const loadSampler = setInterval(() => loadSamples.push(loadavg()[0]), 5_000);
  cleanups.push({ name: 'load sampler', run: async () => clearInterval(loadSampler) });
  const ticker = setInterval(() => progress(`  published ${publisher.counts.acknowledged}/${plan.messages.length} · seen ${recorder.violations.length} in, ${recorder.penalties.length} penalties, ${recorder.sanctions.length} sanctions, ${recorder.notifications.length} notifications, ${recorder.deadLetters.length} dead letters`), 10_000);
  cleanups.push({ name: 'ticker', run: async () => clearInterval(ticker) });
  await Promise.all([
    publisher.publish(plan.messages, options.rate).then(() => progress(`all ${plan.messages.length} messages acknowledged after ${((Date.now() - publishingStartedAt) / 1000).toFixed(0)} s`)),
    faults.run(options.faults, publishingStartedAt, () => behind(publisher, recorder, plannedViolations)),
  ]);
  const publishingSeconds = (Date.now() - publishingStartedAt) / 1000;
  clearInterval(loadSampler);

  // The outcome: wait until everything acknowledged is on the topics, then until every expected output is.
  const drainStartedAt = Date.now();
  const drainDeadline = drainStartedAt + options.drainTimeoutSeconds * 1000;
  progress(`waiting for the outcome (at most ${options.drainTimeoutSeconds} s)`);
  const acknowledgedKeys = [...publisher.acknowledged.keys()];
  const onInputTopics = () => {
    const seen = new Set<string>();
    for (const m of recorder.violations) seen.add(poisonByValue.get(m.value)?.marker ?? JSON.parse(m.value).data?.violationId);
    for (const m of recorder.profiles) seen.add(JSON.parse(m.value).id);
    return acknowledgedKeys.filter((k) => !seen.has(k));
  };
  let absent = onInputTopics();
  while (absent.length > 0 && Date.now() < drainDeadline) {
    await sleep(2_000);
    absent = onInputTopics();
  }
  if (absent.length > 0) progress(`  ${absent.length} acknowledged message(s) never reached their topic, e.g. ${absent.slice(0, 5).join(', ')}`);
  let expected = expectedOutcome(recorder.violations, recorder.profiles, (v) => poisonByValue.has(v));
  let inputSeen = recorder.violations.length;
  let drainTimedOut = false;
  let lastReport = 0;
  for (;;) {
    const missing = missingOutputs(expected, recorder, poisonByValue);
    const total = missing.assessments + missing.sanctions + missing.told + missing.deadLetters;
    if (total === 0) break;
    if (Date.now() > drainDeadline) {
      drainTimedOut = true;
      progress(`  timed out: ${describeMissing(missing)}`);
      break;
    }
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      progress(`  still missing: ${describeMissing(missing)}`);
    }
    await sleep(2_000);
    // Late input (a copy the api's outbox relayed again) changes what is expected.
    if (recorder.violations.length !== inputSeen) {
      inputSeen = recorder.violations.length;
      expected = expectedOutcome(recorder.violations, recorder.profiles, (v) => poisonByValue.has(v));
    }
  }
  const drainSeconds = (Date.now() - drainStartedAt) / 1000;
  // Copies that come late (a redelivery, a second decision) must be seen too: read on to the end of every topic.
  progress(`outcome ${drainTimedOut ? 'incomplete' : 'complete'} after ${drainSeconds.toFixed(0)} s; reading on for 10 s to catch late copies`);
  await sleep(10_000);
  await readToEnd(recorder, infrastructure.kafkaBrokers, namespace, deadLetterTopics, 60_000, progress);
  clearInterval(ticker);
  expected = expectedOutcome(recorder.violations, recorder.profiles, (v) => poisonByValue.has(v));

  const currentYear = naturalYearOf(new Date());
  progress(`reading the standing of ${expected.totals.size} merchants on every api replica`);
  const standing = await readStanding(platform.of('api').map((r) => ({ name: r.name, baseUrl: r.baseUrl })), apiKey, expected, currentYear);
  const notReadyAtEnd = await waitForReadiness(platform, 60_000);

  const checks = checkOutcome({
    plan: plan.messages, acknowledged: publisher.acknowledged, httpRefused: publisher.counts.httpRefused, recorder, expected, poisonByValue, merchantIds, standing, currentYear, notReadyAtEnd,
  });
  const recovery = recoveryFigures(stageItems(expected, recorder), faults.records);
  const report: ChaosReport = {
    runId, options, plan, logDir: path.relative(repoRoot, logDir), replicas: platform.replicas.map((r) => ({ name: r.name, port: r.port })),
    publishingSeconds, drainSeconds, drainTimedOut, kafkaRetries: publisher.counts.kafkaRetries, httpRetries: publisher.counts.httpRetries,
    onTopic: {
      violations: expected.violationMessages, distinct: expected.assessments.size, sameEventCopies: expected.sameEventCopies, sameViolationCopies: expected.sameViolationCopies,
      poison: poisonCount(recorder, poisonByValue), profiles: recorder.profiles.length,
    },
    recovery, checks, unexpectedExits: platform.unexpectedExits, startedAt: publishingStartedAt,
    machine: { cores: cpus().length, load: loadSamples },
  };
  const text = formatReport(report);
  console.log('\n' + text);
  writeFileSync(path.join(logDir, 'report.txt'), text + '\n');
  writeFileSync(path.join(logDir, 'report.json'), JSON.stringify({ ...report, plan: { counts: plan.counts, naturalYear: plan.naturalYear } }, null, 2));
  return passed(report) ? 0 : 1;
}

/**
 * What the pipeline owes for violations acknowledged more than 5 s ago (their assessments). A fault
 * waits for it, not for the notifications: on a busy machine their backlog is a matter of capacity,
 * and waiting on it would push the faults past the end of the feed.
 */
function behind(publisher: SteadyPublisher, recorder: OutcomeRecorder, plannedViolations: Set<string>): string | null {
  const cutoff = Date.now() - 5_000;
  const assessed = new Set<string>();
  for (const p of recorder.penalties) if (p.type === 'penalty.assessed.v1') assessed.add(p.violationId);
  let unassessed = 0;
  for (const [key, at] of publisher.acknowledged) if (at < cutoff && plannedViolations.has(key) && !assessed.has(key)) unassessed++;
  return unassessed === 0 ? null : `${unassessed} violations acknowledged more than 5 s ago still unassessed`;
}

interface Missing {
  assessments: number;
  sanctions: number;
  told: number;
  deadLetters: number;
  examples: string[];
}

/** What is still to come, cheaply enough to ask every two seconds. */
function missingOutputs(expected: ExpectedOutcome, recorder: OutcomeRecorder, poisonByValue: Map<string, { marker: string }>): Missing {
  const examples: string[] = [];
  const assessedIds = new Map<string, string>();
  for (const p of recorder.penalties) if (p.type === 'penalty.assessed.v1') assessedIds.set(p.violationId, p.id);
  let assessments = 0;
  for (const [violationId, e] of expected.assessments) {
    if (assessedIds.has(violationId)) continue;
    assessments++;
    if (examples.length < 3) examples.push(`${violationId} of ${e.merchantId} unassessed (violations partition ${e.partition})`);
  }
  const imposed = new Map<string, string>();
  for (const s of recorder.sanctions) if (s.type === 'sanction.imposed.v1' && s.cause?.kind === 'LADDER_NODE') imposed.set(`${s.merchantId}/${s.cause.naturalYear}/${s.cause.node}`, s.id);
  let sanctions = 0;
  for (const e of expected.sanctions) {
    if (imposed.has(`${e.merchantId}/${e.naturalYear}/${e.node}`)) continue;
    sanctions++;
    if (examples.length < 6) examples.push(`node ${e.node} of ${e.merchantId} not imposed`);
  }
  const toldCauses = new Set(recorder.notifications.filter((n) => n.channel === 'INBOX').map((n) => n.causeEventId));
  let told = 0;
  for (const id of [...imposed.values(), ...assessedIds.values()]) if (!toldCauses.has(id)) told++;
  const deadValues = new Set(recorder.deadLetters.map((d) => d.value));
  let deadLetters = 0;
  for (const [value, poison] of poisonByValue) {
    if (deadValues.has(value)) continue;
    deadLetters++;
    if (examples.length < 8) examples.push(`${poison.marker} not dead-lettered`);
  }
  return { assessments, sanctions, told, deadLetters, examples };
}

function describeMissing(m: Missing): string {
  return `${m.assessments} assessments, ${m.sanctions} sanctions, ${m.told} notifications, ${m.deadLetters} dead letters${m.examples.length ? ` (e.g. ${m.examples.join('; ')})` : ''}`;
}

function poisonCount(recorder: OutcomeRecorder, poisonByValue: Map<string, unknown>): number {
  return recorder.violations.filter((m) => poisonByValue.has(m.value)).length;
}

async function listTopics(brokers: string, keep: (topic: string) => boolean): Promise<string[]> {
  const admin = createKafkaClient({ clientId: 'chaos-admin', brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).filter(keep);
  } finally {
    await admin.disconnect();
  }
}

/** Waits until the recorder has read every partition of the run's topics up to its end offset. */
async function readToEnd(recorder: OutcomeRecorder, brokers: string, namespace: string, deadLetterTopics: string[], timeoutMs: number, progress: (line: string) => void): Promise<void> {
  const admin = createKafkaClient({ clientId: 'chaos-admin', brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = [...Object.values(PublicTopics).map((t) => namespace + t), ...deadLetterTopics];
    const ends: { topic: string; partition: number; last: number }[] = [];
    for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) ends.push({ topic, partition: p.partition, last: Number(p.high) - 1 });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const behind = ends.filter((e) => e.last >= 0 && recorder.readUpTo(e.topic, e.partition) < e.last);
      if (behind.length === 0) return;
      if (Date.now() > deadline) {
        progress(`  ! the recorder is behind on ${behind.map((b) => `${b.topic.slice(namespace.length)}[${b.partition}]`).join(', ')}`);
        return;
      }
      await sleep(500);
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * GET /v1/merchants/{id}/standing on every api replica for every merchant; a read that does not match
 * yet is read again for up to a minute (the read model follows the topics).
 */
async function readStanding(apis: { name: string; baseUrl: string }[], apiKey: string, expected: ExpectedOutcome, currentYear: number): Promise<StandingReading[]> {
  const read = async (merchantId: string, api: { name: string; baseUrl: string }): Promise<StandingReading> => {
    try {
      const response = await fetch(`${api.baseUrl}/v1/merchants/${encodeURIComponent(merchantId)}/standing`, { headers: { 'x-api-key': apiKey }, signal: AbortSignal.timeout(10_000) });
      if (response.status !== 200) return { merchantId, replica: api.name, status: response.status, error: (await response.text()).slice(0, 200) };
      const body = (await response.json()) as { naturalYear: number; points: { general: number; serious: number }; deposit?: { requiredFen: number | null } };
      return { merchantId, replica: api.name, status: 200, naturalYear: body.naturalYear, points: body.points, requiredFen: body.deposit?.requiredFen ?? null };
    } catch (error) {
      return { merchantId, replica: api.name, status: 0, error: (error as Error).message };
    }
  };
  const matches = (s: StandingReading) => {
    if (s.status !== 200 || !s.points) return false;
    const want = expected.totals.get(s.merchantId)?.get(s.naturalYear ?? currentYear) ?? { general: 0, serious: 0 };
    const deposit = expected.requiredDepositFen.get(s.merchantId);
    return s.points.general === want.general && s.points.serious === want.serious && (deposit === undefined || s.requiredFen === deposit);
  };
  let pending = [...expected.totals.keys()].flatMap((merchantId) => apis.map((api) => ({ merchantId, api })));
  const final = new Map<string, StandingReading>();
  const deadline = Date.now() + 60_000;
  for (;;) {
    const readings: StandingReading[] = [];
    for (let i = 0; i < pending.length; i += 16) readings.push(...(await Promise.all(pending.slice(i, i + 16).map((p) => read(p.merchantId, p.api)))));
    for (const r of readings) final.set(`${r.merchantId}/${r.replica}`, r);
    const wrong = readings.filter((r) => !matches(r));
    if (wrong.length === 0 || Date.now() > deadline) break;
    pending = wrong.map((r) => ({ merchantId: r.merchantId, api: apis.find((a) => a.name === r.replica)! }));
    await sleep(3_000);
  }
  return [...final.values()];
}

async function waitForReadiness(platform: ReplicatedPlatform, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const notReady = await platform.notReady();
    if (notReady.length === 0 || Date.now() > deadline) return notReady;
    await sleep(1_000);
  }
}

main()
  .then(async (code) => {
    await cleanUp();
    process.exit(code);
  })
  .catch(async (error: Error) => {
    console.error(`[chaos] the run failed: ${error.stack ?? error.message}`);
    await cleanUp();
    process.exit(2);
  });
