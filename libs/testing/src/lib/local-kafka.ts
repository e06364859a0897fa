import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadKafkaSecurity, type KafkaSecurity } from '@penalty/messaging';

const run = promisify(execFile);
const infraDir = path.resolve(__dirname, '../../../../scripts/infra');

/** A broker (or cluster) of the project's infra scripts, other than the shared test broker. */
export interface LocalKafka {
  brokers: string;
  /** The client settings as the services read them (KAFKA_BROKERS, KAFKA_SSL…, KAFKA_SASL…). */
  env: Record<string, string>;
  security: KafkaSecurity;
}

async function script(name: string, ...args: string[]): Promise<string> {
  // Ports and state directory come from the caller's environment (KAFKA_SECURE_PORT, KAFKA_CLUSTER_PORT, PENALTY_STATE_DIR).
  const { stdout } = await run('bash', [path.join(infraDir, name), ...args], { env: process.env, maxBuffer: 4 * 1024 * 1024, timeout: 600_000 }).catch((error: { stderr?: string; message: string }) => {
    throw new Error(`${name} ${args.join(' ')} failed: ${error.stderr || error.message}`);
  });
  return stdout;
}

function parseExports(stdout: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const match = /^export ([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) env[match[1]] = match[2];
  }
  return env;
}

async function localKafka(name: string): Promise<LocalKafka> {
  await script(name, 'start');
  const env = parseExports(await script(name, 'env'));
  return { brokers: env.KAFKA_BROKERS, env, security: loadKafkaSecurity(env) };
}

/** Starts (idempotently) the SASL_SSL broker of scripts/infra/kafka-secure.sh; SCRAM-SHA-512 settings. */
export function startSecureKafka(): Promise<LocalKafka> {
  return localKafka('kafka-secure.sh');
}

export function stopSecureKafka(): Promise<string> {
  return script('kafka-secure.sh', 'stop');
}

/** The 3-node KRaft cluster of scripts/infra/kafka-cluster.sh. */
export const kafkaCluster = {
  start: (): Promise<LocalKafka> => localKafka('kafka-cluster.sh'),
  stop: (): Promise<string> => script('kafka-cluster.sh', 'stop'),
  /** SIGKILL of one node (1-3). */
  kill: (node: 1 | 2 | 3): Promise<string> => script('kafka-cluster.sh', 'kill', String(node)),
  startNode: (node: 1 | 2 | 3): Promise<string> => script('kafka-cluster.sh', 'start', String(node)),
};
