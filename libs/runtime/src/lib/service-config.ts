import { plainToInstance, Transform } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min, validateSync } from 'class-validator';
import { DEFAULT_MARKETPLACE, MARKETPLACE_PATTERN } from '@penalty/domain';

/** Settings every service reads from the environment; validated once at boot. */
export class ServiceConfig {
  /** Comma-separated host:port list of the Kafka bootstrap brokers. */
  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port…]' })
  KAFKA_BROKERS!: string;

  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL!: string;

  @Transform(({ value }) => (value === undefined ? undefined : Number(value)))
  @IsInt()
  @Min(0)
  @Max(65535)
  HTTP_PORT!: number;

  /**
   * Prefix for every topic name. Empty in production (topic names are the contract's);
   * tests set it so that each run gets fresh topics on a shared broker.
   */
  @IsOptional()
  @Matches(/^[a-z0-9-]*\.?$/, { message: 'TOPIC_NAMESPACE must be lowercase letters, digits and dashes, optionally ending with a dot' })
  TOPIC_NAMESPACE = '';

  /** How many partitions each topic gets when the service creates it. */
  @Transform(({ value }) => (value === undefined ? undefined : Number(value)))
  @IsInt()
  @Min(1)
  TOPIC_PARTITIONS = 6;

  /** Replicas of each partition of the topics the service creates (3 on a production cluster). */
  @Transform(({ value }) => (value === undefined ? undefined : Number(value)))
  @IsInt()
  @Min(1)
  TOPIC_REPLICATION_FACTOR = 1;

  /** min.insync.replicas of the topics the service creates; unset: the broker's default. */
  @IsOptional()
  @Transform(({ value }) => (value === undefined ? undefined : Number(value)))
  @IsInt()
  @Min(1)
  TOPIC_MIN_INSYNC_REPLICAS?: number;

  /**
   * How long the group waits for a silent consumer before its partitions move to another one. Short,
   * so that a crashed replica's partitions move in seconds; batches are applied in slices that
   * heartbeat in between, well within it.
   */
  @Transform(({ value }) => (value === undefined ? undefined : Number(value)))
  @IsInt()
  @Min(6000)
  @Max(300000)
  CONSUMER_SESSION_TIMEOUT_MS = 10_000;

  /**
   * A fetch returns once this many bytes are there for the consumer, or after CONSUMER_FETCH_MAX_WAIT_MS:
   * more than 1 gathers bigger batches at low rates (fewer transactions per event) for up to that wait
   * more latency per hop. Default 1: a fetch returns as soon as anything is there.
   */
  @Transform(({ value }) => (value === undefined ? undefined : Number(value)))
  @IsInt()
  @Min(1)
  @Max(16 * 1024 * 1024)
  CONSUMER_FETCH_MIN_BYTES = 1;

  /** How long a fetch waits for CONSUMER_FETCH_MIN_BYTES (at most a third of the session timeout); also the idle poll. */
  @Transform(({ value }) => (value === undefined ? undefined : Number(value)))
  @IsInt()
  @Min(10)
  @Max(100_000)
  CONSUMER_FETCH_MAX_WAIT_MS = 3_000;

  /**
   * Transactions per consumed topic that a service applies at once. The slices of other partitions
   * that arrive meanwhile wait and are applied together in the next one, so small batches share one
   * transaction's fixed statements (SliceCoalescer). 1 gathers the most and measured best on 2 cores
   * (README, bench); more overlaps the service's work with the database's.
   */
  @Transform(({ value }) => (value === undefined ? undefined : Number(value)))
  @IsInt()
  @Min(1)
  @Max(64)
  CONSUMER_TRANSACTIONS_IN_FLIGHT = 1;

  /**
   * Days kept of processed event ids (the inbox's duplicate check), finished scheduled tasks and
   * messages the broker refused. Must exceed the input topics' retention plus the longest lag, or a
   * redelivery after the id is gone would apply twice.
   */
  @Transform(({ value }) => (value === undefined ? undefined : Number(value)))
  @IsInt()
  @Min(1)
  RETENTION_DAYS = 30;
}

/** Which marketplace an event without `marketplace` belongs to (contract: the deployment's default). */
export class MarketplaceConfig {
  @Matches(MARKETPLACE_PATTERN, { message: 'DEFAULT_MARKETPLACE must be 1 to 32 characters of a-z, 0-9 and -' })
  DEFAULT_MARKETPLACE = DEFAULT_MARKETPLACE;
}

export class ConfigError extends Error {}

/**
 * Validates `env` against a config class and returns the typed config.
 * Throws a ConfigError naming every missing or malformed variable, so the process stops at boot.
 */
export function loadConfig<T extends object>(
  configClass: new () => T,
  env: Record<string, string | undefined> = process.env,
  defaults: Partial<Record<keyof T, unknown>> = {},
): T {
  const raw: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(env)) if (value !== undefined && value !== '') raw[key] = value;
  const config = plainToInstance(configClass, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.property}: ${Object.values(e.constraints ?? { missing: 'is missing' }).join('; ')}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return config;
}
