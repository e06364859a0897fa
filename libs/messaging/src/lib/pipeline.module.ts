import { APP_GUARD, ModulesContainer, Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { API_KEY_VERIFIER, AUTH_CONFIG, AuthGuard, loadAuthConfig, SESSION_REVOCATIONS, SessionRevocations, type ApiKeyVerifier } from '@penalty/auth';
import { Logger, Module, type DynamicModule, type INestApplication, type INestMicroservice, type OnApplicationBootstrap, type OnApplicationShutdown, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { Kafka } from 'kafkajs';
import { DataSource, type MigrationInterface, type MixedList } from 'typeorm';
import { RuleBook, type Clock } from '@penalty/domain';
import { AuditTrailController, openServiceDatabase, PIPELINE_MIGRATIONS } from '@penalty/persistence';
import { applyHttpEdge, BoundedExpressAdapter, CLOCK, createJsonLogger, HttpEdgeConfig, httpTelemetry, JsonLoggerService, LoggingConfig, nestRoutes, OperationsController, PipelineMetrics, ProblemDetailsFilter, ReadinessRegistry, ServiceConfig, clockProvider, loadConfig, ruleBookProvider, shutdownTracing, startTracing } from '@penalty/runtime';
import { DATE_TIME_LIMIT, EARLIEST_DATE_TIME, isRfc3339DateTime, Topics } from '@penalty/contracts';
import { AccessRevocationsFeed } from './access-revocations.feed';
import { RulebookFeed } from './rulebook-feed';
import { buildOpenApiDocument, type ServiceDocs } from './openapi-document';
import { createKafka, ensureTopics, type KafkaSettings } from './kafka-connection';
import { loadKafkaSecurity } from './kafka-security';
import { KafkaBatchTransport, RethrowRpcErrorsFilter } from './kafka-batch.transport';
import { OutboxPublisher } from './outbox';
import { OutboxSweeper } from './outbox-sweeper';
import { PIPELINE_RETENTION, RetentionWorker, type RetentionRule } from './retention';
import { TransactionRunner } from './transaction-runner';
import { TransactionalInbox } from './transactional-inbox';

export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const KAFKA_SETTINGS = Symbol('KAFKA_SETTINGS');
export const PIPELINE_OPTIONS = Symbol('PIPELINE_OPTIONS');

export interface PipelineServiceOptions {
  /** Service name: Kafka client id, metrics label, log prefix. */
  serviceName: string;
  /** The PostgreSQL schema the service owns. */
  schema: string;
  /** The service's own migrations (the shared inbox/outbox, scheduled-task and audit-trail migrations are added first). */
  migrations: MixedList<new () => MigrationInterface>;
  /** Kafka consumer group; omit for a service that only publishes. */
  consumerGroup?: string;
  /** Topics consumed but dead-lettered by another service (see KafkaBatchTransportOptions.observedTopics). */
  observedTopics?: readonly string[];
  /** What the service prunes besides the shared tables (RetentionWorker), after RETENTION_DAYS. */
  retention?: readonly RetentionRule[];
}

/** NestMicroservice methods used to finish a deferred initialization (public in @nestjs/microservices 11). */
interface DeferredMicroservice {
  registerListeners(): void;
  setIsInitialized(value: boolean): void;
  setIsInitHookCalled(value: boolean): void;
}

/** How long a message may wait in the outbox before /health/ready says the service is degraded (the sweeper looks every 10 s). */
const OUTBOX_STALL_MS = 60_000;

/** Starts the outbox publisher and sweeper with the app and registers readiness checks; stops everything on shutdown. */
class PipelineLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly publisher: OutboxPublisher,
    private readonly sweeper: OutboxSweeper,
    private readonly runner: TransactionRunner,
    private readonly retention: RetentionWorker,
    private readonly dataSource: DataSource,
    private readonly readiness: ReadinessRegistry,
    private readonly kafka: Kafka,
    private readonly settings: KafkaSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The broker does not auto-create topics: every service makes sure the whole contract exists,
    // so the relay never publishes to a missing topic whatever the start order.
    const topics = Object.values(Topics);
    await ensureTopics(this.kafka, this.settings, topics, topics);
    this.readiness.register({ name: 'database', check: async () => void (await this.dataSource.query('SELECT 1')) });
    this.readiness.register({ name: 'outbox', check: async () => this.sweeper.checkDraining(OUTBOX_STALL_MS) });
    await this.publisher.start();
    this.sweeper.start();
    this.retention.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.retention.stop();
    await this.sweeper.stop();
    await this.runner.drain();
    await this.publisher.stop();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await shutdownTracing();
  }
}

/**
 * Everything a pipeline service shares: validated config, clock, metrics, its database schema with
 * migrations applied, Kafka, the outbox relay, the transactional inbox, health and metrics endpoints.
 */
@Module({})
export class PipelineModule {
  static forService(options: PipelineServiceOptions): DynamicModule {
    return {
      module: PipelineModule,
      global: true,
      controllers: [OperationsController, AuditTrailController],
      providers: [
        { provide: PIPELINE_OPTIONS, useValue: options },
        { provide: SERVICE_CONFIG, useFactory: () => loadConfig(ServiceConfig) },
        clockProvider,
        ruleBookProvider,
        { provide: AUTH_CONFIG, useFactory: () => loadAuthConfig() },
        // Every HTTP route needs a signed-in principal unless marked @Public.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: PipelineMetrics, useFactory: () => new PipelineMetrics(options.serviceName) },
        {
          provide: KAFKA_SETTINGS,
          inject: [SERVICE_CONFIG],
          useFactory: (config: ServiceConfig): KafkaSettings => ({
            brokers: config.KAFKA_BROKERS.split(','),
            clientId: options.serviceName,
            topicNamespace: config.TOPIC_NAMESPACE,
            partitions: config.TOPIC_PARTITIONS,
            replicationFactor: config.TOPIC_REPLICATION_FACTOR,
            minInsyncReplicas: config.TOPIC_MIN_INSYNC_REPLICAS,
            // Validated here, at boot: a bad TLS/SASL setting stops the service naming the variable.
            security: loadKafkaSecurity(),
          }),
        },
        { provide: Kafka, inject: [KAFKA_SETTINGS], useFactory: createKafka },
        {
          provide: DataSource,
          inject: [SERVICE_CONFIG],
          useFactory: (config: ServiceConfig) =>
            openServiceDatabase({
              url: config.DATABASE_URL,
              schema: options.schema,
              migrations: [...PIPELINE_MIGRATIONS, ...(options.migrations as (new () => MigrationInterface)[])],
            }),
        },
        {
          provide: OutboxPublisher,
          inject: [Kafka, KAFKA_SETTINGS, PipelineMetrics],
          useFactory: (kafka: Kafka, settings: KafkaSettings, metrics: PipelineMetrics) => new OutboxPublisher(kafka, settings, metrics),
        },
        {
          provide: OutboxSweeper,
          inject: [DataSource, OutboxPublisher, PipelineMetrics],
          useFactory: (ds: DataSource, publisher: OutboxPublisher, metrics: PipelineMetrics) => new OutboxSweeper(ds, publisher, metrics),
        },
        {
          provide: TransactionRunner,
          inject: [DataSource, OutboxPublisher, KAFKA_SETTINGS, OutboxSweeper],
          useFactory: (ds: DataSource, publisher: OutboxPublisher, settings: KafkaSettings, sweeper: OutboxSweeper) =>
            new TransactionRunner(ds, publisher, settings.partitions, () => sweeper.retrySoon()),
        },
        {
          provide: TransactionalInbox,
          inject: [TransactionRunner, CLOCK, PipelineMetrics],
          useFactory: (runner: TransactionRunner, clock: Clock, metrics: PipelineMetrics) => new TransactionalInbox(runner, clock, metrics),
        },
        ReadinessRegistry,
        // Sessions ended early (sign-out, operator disabled), honoured by the AuthGuard of every service.
        { provide: SESSION_REVOCATIONS, useValue: new SessionRevocations() },
        {
          provide: AccessRevocationsFeed,
          inject: [Kafka, KAFKA_SETTINGS, SESSION_REVOCATIONS, ReadinessRegistry],
          useFactory: (kafka: Kafka, settings: KafkaSettings, revocations: SessionRevocations, readiness: ReadinessRegistry) => new AccessRevocationsFeed(kafka, settings, revocations, readiness),
        },
        // The rulebook versions of every marketplace, learned at run time (rules.versions.v1).
        {
          provide: RulebookFeed,
          inject: [Kafka, KAFKA_SETTINGS, RuleBook, ReadinessRegistry],
          useFactory: (kafka: Kafka, settings: KafkaSettings, rules: RuleBook, readiness: ReadinessRegistry) => new RulebookFeed(kafka, settings, rules, readiness),
        },
        {
          provide: PipelineLifecycle,
          inject: [OutboxPublisher, OutboxSweeper, TransactionRunner, DataSource, ReadinessRegistry, Kafka, KAFKA_SETTINGS, CLOCK, SERVICE_CONFIG],
          useFactory: (publisher: OutboxPublisher, sweeper: OutboxSweeper, runner: TransactionRunner, ds: DataSource, readiness: ReadinessRegistry, kafka: Kafka, settings: KafkaSettings, clock: Clock, config: ServiceConfig) =>
            new PipelineLifecycle(publisher, sweeper, runner, new RetentionWorker(ds, clock, config.RETENTION_DAYS, [...PIPELINE_RETENTION, ...(options.retention ?? [])]), ds, readiness, kafka, settings),
        },
      ],
      exports: [SERVICE_CONFIG, CLOCK, RuleBook, AUTH_CONFIG, SESSION_REVOCATIONS, PipelineMetrics, KAFKA_SETTINGS, Kafka, DataSource, TransactionRunner, TransactionalInbox, ReadinessRegistry, RulebookFeed],
    };
  }
}

/**
 * Boots a service: HTTP (health, metrics, its own routes, OpenAPI at /docs) and, when the service
 * consumes, the Kafka batch transport as a connected microservice. Exits on a bad configuration.
 */
export async function bootstrapPipelineService(rootModule: Type<unknown>, docs?: ServiceDocs): Promise<INestApplication> {
  const logger = new Logger('bootstrap');
  const edge = loadConfig(HttpEdgeConfig);
  // JSON logs and tracing before anything runs (README "Observability").
  const serviceName = serviceNameOf(rootModule);
  startTracing(serviceName);
  const jsonLogger = new JsonLoggerService(createJsonLogger(serviceName, loadConfig(LoggingConfig)));
  // Header, request and keep-alive times bounded on the server itself (README "HTTP edge").
  const app = await NestFactory.create<NestExpressApplication>(rootModule, new BoundedExpressAdapter(edge), { bodyParser: false, logger: jsonLogger });
  app.enableShutdownHooks();
  // First, so that every answer is counted and traced, the edge's refusals too.
  app.use(httpTelemetry({ metrics: app.get(PipelineMetrics), routes: () => nestRoutes(app) }));
  app.useGlobalFilters(new ProblemDetailsFilter());
  // Security headers, the session cookie, and the body read by the edge rather than a body parser:
  // only once the caller is known to be allowed, within the size, time, depth and text bounds.
  const guard = new AuthGuard(app.get(Reflector), app.get(AUTH_CONFIG), optionalProvider<ApiKeyVerifier>(app, API_KEY_VERIFIER), app.get(SESSION_REVOCATIONS));
  applyHttpEdge(app, {
    config: edge,
    routes: () => nestRoutes(app),
    text: { isDateTime: isRfc3339DateTime, dateTimeRule: `an RFC 3339 date-time with offset from ${EARLIEST_DATE_TIME} up to (not including) ${DATE_TIME_LIMIT}, without a leap second` },
    // The guard Nest runs on the route anyway, run first so that a refused caller's body is never read.
    authorize: async (request, response, route) => void (await guard.canActivate(new ExecutionContextHost([request, response], route.controller, route.handler))),
  });
  const options = app.get<PipelineServiceOptions>(PIPELINE_OPTIONS);
  const config = app.get<ServiceConfig>(SERVICE_CONFIG);
  // The same document as the one checked in (libs/contracts/generated/openapi, tools/contracts).
  if (docs) SwaggerModule.setup('docs', app, buildOpenApiDocument(app, docs), { jsonDocumentUrl: 'docs/openapi.json' });
  if (options.consumerGroup) {
    const transport = new KafkaBatchTransport({
      kafka: app.get(Kafka),
      settings: app.get(KAFKA_SETTINGS),
      // Namespaced like the topics, so isolated runs on one broker never share a group.
      groupId: config.TOPIC_NAMESPACE + options.consumerGroup,
      metrics: app.get(PipelineMetrics),
      clock: app.get(CLOCK),
      observedTopics: options.observedTopics,
      sessionTimeoutMs: config.CONSUMER_SESSION_TIMEOUT_MS,
      fetchMinBytes: config.CONSUMER_FETCH_MIN_BYTES,
      fetchMaxWaitMs: config.CONSUMER_FETCH_MAX_WAIT_MS,
      transactionsInFlight: config.CONSUMER_TRANSACTIONS_IN_FLIGHT,
    });
    // Deferred so that the filter is registered before the handlers are wrapped; then the listeners are
    // registered exactly as connectMicroservice would (lifecycle hooks already ran with the app's module).
    const microservice = app.connectMicroservice({ strategy: transport }, { deferInitialization: true }) as INestMicroservice & DeferredMicroservice;
    microservice.useGlobalFilters(new RethrowRpcErrorsFilter());
    microservice.registerListeners();
    microservice.setIsInitialized(true);
    microservice.setIsInitHookCalled(true);
    app.get(ReadinessRegistry).register({
      name: 'kafka-consumer',
      check: async () => {
        if (!transport.isReady()) throw new Error('consumer has not joined its group yet');
      },
    });
    await app.startAllMicroservices();
  }
  await app.listen(config.HTTP_PORT, '0.0.0.0');
  logger.log(`${options.serviceName} listening on :${config.HTTP_PORT}`);
  return app;
}

/** The serviceName given to PipelineModule.forService among the root module's imports (the logs and spans need it before the app exists). */
function serviceNameOf(rootModule: Type<unknown>): string {
  const imports = (Reflect.getMetadata('imports', rootModule) ?? []) as unknown[];
  for (const imported of imports) {
    const providers = (imported as Partial<DynamicModule>)?.module === PipelineModule ? ((imported as DynamicModule).providers ?? []) : [];
    for (const provider of providers as { provide?: unknown; useValue?: PipelineServiceOptions }[]) if (provider.provide === PIPELINE_OPTIONS && provider.useValue) return provider.useValue.serviceName;
  }
  throw new Error(`${rootModule.name} does not import PipelineModule.forService(...)`);
}

/** A provider some services have (the api's API key verifier), looked up without app.get's throw: NestFactory's app aborts on it. */
function optionalProvider<T>(app: INestApplication, token: symbol): T | undefined {
  const provided = [...app.get(ModulesContainer).values()].some((module) => module.providers.has(token));
  return provided ? app.get<T>(token, { strict: false }) : undefined;
}

/** Runs bootstrap and turns a startup failure (e.g. a config error) into a clear message and exit code 1. */
export function runPipelineService(rootModule: Type<unknown>, docs?: ServiceDocs): void {
  bootstrapPipelineService(rootModule, docs).catch((error: Error) => {
    // One JSON line like every other (the logger may not exist yet: a bad LOG_LEVEL, say).
    console.error(JSON.stringify({ level: 'fatal', time: new Date().toISOString(), context: 'bootstrap', msg: `startup failed: ${error.message}` }));
    process.exit(1);
  });
}
