import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadKafkaSecurity, type KafkaSecurity } from '@penalty/messaging';
import { freePort } from './service-process';

const run = promisify(execFile);
const infraDir = path.resolve(__dirname, '../../../../scripts/infra');

/** A broker (or cluster) of the project's infra scripts, other than the shared test broker. */
export interface LocalKafka {
  brokers: string;
  /** The client settings as the services read them (KAFKA_BROKERS, KAFKA_SSL…, KAFKA_SASL…). */
  env: Record<string, string>;
  security: KafkaSecurity;
}

async function script(name: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  // Ports and state directory come from the caller's environment (KAFKA_SECURE_PORT, PENALTY_STATE_DIR) unless given.
  const { stdout } = await run('bash', [path.join(infraDir, name), ...args], { env: { ...process.env, ...env }, maxBuffer: 4 * 1024 * 1024, timeout: 600_000 }).catch((error: { stderr?: string; message: string }) => {
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

async function localKafka(name: string, env: Record<string, string> = {}): Promise<LocalKafka> {
  await script(name, ['start'], env);
  const exported = parseExports(await script(name, ['env'], env));
  return { brokers: exported.KAFKA_BROKERS, env: exported, security: loadKafkaSecurity(exported) };
}

/**
 * Starts (idempotently) the SASL_SSL broker of scripts/infra/kafka-secure.sh, with SCRAM-SHA-512
 * settings. Like the shared test broker it is left running (nothing kills it; the next run reuses its
 * certificates and credentials); `bash scripts/infra/down.sh` stops it.
 */
export function startSecureKafka(): Promise<LocalKafka> {
  return localKafka('kafka-secure.sh');
}

/**
 * A 3-node KRaft cluster of scripts/infra/kafka-cluster.sh of one test's own: free ports and a state
 * directory of its own, so it may kill nodes without touching another run; stop() removes it.
 */
export class LocalKafkaCluster {
  private env: Record<string, string> = {};
  readonly stateDir: string;

  private readonly root = path.join(process.env.PENALTY_STATE_DIR ?? '/var/tmp/penalty-platform', 'clusters');

  constructor(readonly runId: string) {
    this.stateDir = path.join(this.root, runId);
  }

  async start(): Promise<LocalKafka> {
    await this.stopAbandoned();
    mkdirSync(this.stateDir, { recursive: true });
    // The owner's pid: a later run stops a cluster whose test process died without cleaning up.
    writeFileSync(path.join(this.stateDir, 'owner.pid'), String(process.pid));
    const ports: number[] = [];
    while (ports.length < 6) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    this.env = { PENALTY_STATE_DIR: this.stateDir, KAFKA_CLUSTER_PORTS: ports.slice(0, 3).join(','), KAFKA_CLUSTER_CONTROLLER_PORTS: ports.slice(3).join(',') };
    return localKafka('kafka-cluster.sh', this.env);
  }

  private async stopAbandoned(): Promise<void> {
    if (!existsSync(this.root)) return;
    for (const name of readdirSync(this.root)) {
      const dir = path.join(this.root, name);
      const owner = Number(existsSync(path.join(dir, 'owner.pid')) ? readFileSync(path.join(dir, 'owner.pid'), 'utf8') : NaN);
      if (Number.isInteger(owner) && owner > 0 && processAlive(owner)) continue;
      await script('kafka-cluster.sh', ['stop'], { PENALTY_STATE_DIR: dir }).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** SIGKILL of one node (1-3), as a crashed host would end it. */
  async kill(node: 1 | 2 | 3): Promise<void> {
    await script('kafka-cluster.sh', ['kill', String(node)], this.env);
  }

  async startNode(node: 1 | 2 | 3): Promise<void> {
    await script('kafka-cluster.sh', ['start', String(node)], this.env);
  }

  /** Stops every node and removes the cluster's data. */
  async stop(): Promise<void> {
    if (!this.env.PENALTY_STATE_DIR) return;
    await script('kafka-cluster.sh', ['stop'], this.env);
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
