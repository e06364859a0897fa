import path from 'node:path';
import { logLevel, Partitioners, type Producer } from 'kafkajs';
import { createKafkaClient, type KafkaSecurity } from '@penalty/messaging';
import { randomUUID } from 'node:crypto';
import { issueSessionToken, newApiKey, type Role } from '@penalty/auth';
import { CLOUDEVENTS_CONTENT_TYPE, deadLetterTopicOf, Topics } from '@penalty/contracts';
import { createFreshDatabase, dropDatabase, obtainInfrastructure, runId, type Infrastructure } from './test-infrastructure';
import { freePort, SERVICE_APPS, ServiceProcess, type ServiceApp } from './service-process';

const repoRoot = path.resolve(__dirname, '../../../..');

export interface PipelineStackOptions {
  /** Extra environment for every service (e.g. webhook retry settings). */
  env?: Record<string, string>;
  apps?: readonly ServiceApp[];
  /**
   * Another Kafka than the shared test broker (e.g. a SASL_SSL or 3-broker one): its bootstrap list,
   * the security the stack's own clients use, and the services' environment for it (KAFKA_SSL…).
   */
  kafka?: { brokers: string; security: KafkaSecurity; env?: Record<string, string> };
  /** The services from the production build in this directory (dist/ of `npm run build`) rather than from source. */
  compiledRoot?: string;
}

/**
 * The whole platform on real Kafka and PostgreSQL, isolated for one test run: a fresh database and a
 * fresh topic namespace, the four services as separate processes, and a producer for inbound events.
 */
export class PipelineStack {
  readonly id = runId();
  readonly namespace = `it-${this.id}.`;
  readonly databaseName = `it_${this.id}`;
  readonly services = new Map<ServiceApp, ServiceProcess>();
  /** Signs operator sessions in every service of this stack. */
  readonly sessionSecret = `it-session-secret-${randomUUID()}`;
  /** An API key the api seeds at start, for platform systems' calls (ingestion, standing reads). */
  readonly apiKey = newApiKey().key;
  infrastructure!: Infrastructure;
  databaseUrl!: string;
  private producer?: Producer;

  constructor(private readonly options: PipelineStackOptions = {}) {}

  get brokers(): string {
    return this.options.kafka?.brokers ?? this.infrastructure.kafkaBrokers;
  }

  /** TLS/SASL of the stack's brokers, for clients a test makes (e.g. a TopicRecorder). */
  get kafkaSecurity(): KafkaSecurity | undefined {
    return this.options.kafka?.security;
  }

  topic(contractTopic: string): string {
    return this.namespace + contractTopic;
  }

  service(app: ServiceApp): ServiceProcess {
    const service = this.services.get(app);
    if (!service) throw new Error(`${app} is not part of this stack`);
    return service;
  }

  async start(): Promise<void> {
    this.infrastructure = await obtainInfrastructure();
    this.databaseUrl = await createFreshDatabase(this.infrastructure.databaseUrl, this.databaseName);
    const env = {
      KAFKA_BROKERS: this.brokers,
      DATABASE_URL: this.databaseUrl,
      TOPIC_NAMESPACE: this.namespace,
      TOPIC_PARTITIONS: '3',
      WEBHOOK_SIGNING_SECRET: 'integration-test-signing-secret',
      AUTH_SESSION_SECRET: this.sessionSecret,
      BOOTSTRAP_API_KEY: this.apiKey,
      BOOTSTRAP_API_KEY_SCOPES: 'violations:write,standing:read',
      ...this.options.kafka?.env,
      ...this.options.env,
    };
    for (const app of this.options.apps ?? SERVICE_APPS) this.services.set(app, new ServiceProcess(app, await freePort(), env, this.options.compiledRoot));
    // Sequential: each service creates its topics and runs its migrations on start.
    for (const service of this.services.values()) await service.start();
    const kafka = createKafkaClient({ clientId: 'pipeline-stack', brokers: this.brokers.split(','), security: this.kafkaSecurity, logLevel: logLevel.NOTHING });
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await this.producer.connect();
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect();
    await Promise.all([...this.services.values()].map((s) => s.stop()));
    // Each run's service output stays in .local/e2e-logs/<namespace>/ for diagnosing a failure.
    for (const service of this.services.values()) {
      service.saveLogs(path.join(repoRoot, '.local/e2e-logs', this.namespace.replace(/\.$/, '')));
      // Errors a service logged go into the test output too, so a CI failure carries its own evidence.
      const errors = service.logs().split('\n').filter((line) => /\bERROR\b|"level":"(?:error|fatal)"|crashed|silent for|exited \(code/.test(line));
      if (errors.length > 0) console.warn(`${service.app} (${this.namespace}) logged:\n${errors.slice(-20).join('\n')}`);
    }
    if (this.infrastructure) await this.deleteTopics().catch(() => undefined);
    if (this.databaseUrl) await dropDatabase(this.infrastructure.databaseUrl, this.databaseName).catch(() => undefined);
    await this.infrastructure?.stop();
  }

  /** A signed session of an operator with `role`, as sign-in would issue (bearer form). */
  async operatorToken(role: Role = 'admin', subject = `it-${role}`): Promise<string> {
    return issueSessionToken(this.sessionSecret, { subject, roles: [role], csrf: randomUUID(), sessionId: randomUUID() }, 3600);
  }

  /** Headers of an authenticated JSON request by an operator with `role`. */
  async operatorHeaders(role: Role = 'admin'): Promise<Record<string, string>> {
    return { 'content-type': 'application/json', authorization: `Bearer ${await this.operatorToken(role)}` };
  }

  /** Removes this run's topics, so a shared broker does not collect them run after run. */
  private async deleteTopics(): Promise<void> {
    const admin = createKafkaClient({ clientId: 'pipeline-stack-admin', brokers: this.brokers.split(','), security: this.kafkaSecurity, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const ours = (await admin.listTopics()).filter((t) => t.startsWith(this.namespace));
      if (ours.length > 0) await admin.deleteTopics({ topics: ours });
    } finally {
      await admin.disconnect();
    }
  }

  /** Publishes raw values (already serialized) to a contract topic, keyed as given. */
  async publishRaw(contractTopic: string, messages: { key: string | null; value: string }[]): Promise<void> {
    await this.producer!.send({
      topic: this.topic(contractTopic),
      acks: -1,
      messages: messages.map((m) => ({ key: m.key, value: m.value, headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE } })),
    });
  }

  /** Publishes CloudEvents keyed by their subject (the merchant id), as platform systems do. */
  async publish(contractTopic: string, events: { subject: string }[]): Promise<void> {
    await this.publishRaw(contractTopic, events.map((e) => ({ key: e.subject, value: JSON.stringify(e) })));
  }

  /** Physical names of every contract topic and dead-letter topic of this run. */
  allTopics(): string[] {
    return Object.values(Topics).flatMap((t) => [this.topic(t), this.topic(deadLetterTopicOf(t))]);
  }
}
