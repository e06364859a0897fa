import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';

export interface Infrastructure {
  kafkaBrokers: string;
  databaseUrl: string;
  /** How the servers were obtained, for the test log. */
  origin: 'environment' | 'testcontainers' | 'local-scripts';
  stop(): Promise<void>;
}

const repoRoot = path.resolve(__dirname, '../../../..');

/**
 * Real Kafka and PostgreSQL for integration tests and benchmarks: the servers named by KAFKA_BROKERS /
 * DATABASE_URL when set; otherwise containers when a Docker engine answers; otherwise the project's
 * own scripts install and start a local broker and database (idempotently).
 */
export async function obtainInfrastructure(): Promise<Infrastructure> {
  if (process.env.KAFKA_BROKERS && process.env.DATABASE_URL) {
    return { kafkaBrokers: process.env.KAFKA_BROKERS, databaseUrl: process.env.DATABASE_URL, origin: 'environment', stop: async () => undefined };
  }
  if (await dockerEngineAnswers()) return startContainers();
  execFileSync('bash', [path.join(repoRoot, 'scripts/infra/up.sh')], { stdio: 'inherit' });
  return {
    kafkaBrokers: `127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`,
    databaseUrl: `postgres://penalty:penalty@127.0.0.1:${process.env.PG_PORT ?? '55432'}/penalty`,
    origin: 'local-scripts',
    stop: async () => undefined,
  };
}

async function dockerEngineAnswers(): Promise<boolean> {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

async function startContainers(): Promise<Infrastructure> {
  // Loaded only when a Docker engine exists, so machines without one never touch testcontainers.
  const { GenericContainer, Wait } = await import('testcontainers');
  const postgres = await new GenericContainer('postgres:15')
    .withEnvironment({ POSTGRES_USER: 'penalty', POSTGRES_PASSWORD: 'penalty', POSTGRES_DB: 'penalty' })
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  const kafkaPort = 19092;
  const kafka = await new GenericContainer('apache/kafka:3.9.1')
    .withExposedPorts({ container: kafkaPort, host: kafkaPort })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: `PLAINTEXT://:${kafkaPort},CONTROLLER://:9093`,
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${kafkaPort}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  return {
    kafkaBrokers: `127.0.0.1:${kafkaPort}`,
    databaseUrl: `postgres://penalty:penalty@${postgres.getHost()}:${postgres.getMappedPort(5432)}/penalty`,
    origin: 'testcontainers',
    stop: async () => {
      await kafka.stop();
      await postgres.stop();
    },
  };
}

/** A short random suffix for per-run databases, topic namespaces and consumer groups. */
export function runId(): string {
  return randomBytes(4).toString('hex');
}

/** Creates an empty database on the server of `serverUrl` and returns its URL. */
export async function createFreshDatabase(serverUrl: string, name: string): Promise<string> {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) throw new Error(`bad database name ${name}`);
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
