import { Client } from 'pg';
import { DataSource, type MigrationInterface, type MixedList, type EntitySchema } from 'typeorm';

export interface ServiceDatabaseOptions {
  /** postgres:// URL of the server and database. */
  url: string;
  /** The schema this service owns; every table of the service lives in it. */
  schema: string;
  migrations: MixedList<new () => MigrationInterface>;
  entities?: MixedList<string | EntitySchema | (new () => unknown)>;
  poolSize?: number;
}

const SCHEMA_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * A TypeORM data source bound to one service schema. The schema is first on the search_path of
 * every pooled connection, so services write plain table names and never touch another's tables.
 */
export function createServiceDataSource(options: ServiceDatabaseOptions): DataSource {
  if (!SCHEMA_NAME.test(options.schema)) throw new Error(`Invalid schema name: ${options.schema}`);
  return new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities ?? [],
    migrations: options.migrations,
    migrationsTableName: 'schema_migration',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error'],
    extra: {
      max: options.poolSize ?? 24,
      // Closed by the pool before the server's idle_session_timeout would.
      idleTimeoutMillis: 10_000,
      // A process that stops (SIGSTOP, a hung host) while holding outbox lane locks (see
      // TransactionRunner) or a transaction loses its session, so it cannot stall other writers for long.
      options: `-c search_path=${options.schema},public -c timezone=UTC -c idle_session_timeout=15000 -c idle_in_transaction_session_timeout=15000 -c lock_timeout=30000`,
    },
  });
}

/**
 * Creates the schema if needed, opens the data source and applies pending migrations.
 * A session-level advisory lock keyed on the schema makes concurrent replicas migrate one at a time.
 */
export async function openServiceDatabase(options: ServiceDatabaseOptions): Promise<DataSource> {
  const client = new Client({ connectionString: options.url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`migrate:${options.schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
    const dataSource = createServiceDataSource(options);
    await dataSource.initialize();
    try {
      await dataSource.runMigrations();
    } catch (error) {
      await dataSource.destroy();
      throw error;
    }
    return dataSource;
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`migrate:${options.schema}`]).catch(() => undefined);
    await client.end();
  }
}
