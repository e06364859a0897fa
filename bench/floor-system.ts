// Systems A and B of the benchmark: three hops as child processes over fresh topics (and, for B, a
// fresh database with one schema per hop holding the platform's inbox and outbox tables).
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { logLevel, type Admin } from 'kafkajs';
import { createKafkaClient } from '@penalty/messaging';
import { Client } from 'pg';
import { createFreshDatabase, dropDatabase, runId } from '@penalty/testing';
import type { HopSettings } from './floor-hop.process';

export const HOPS = 3;

export class FloorSystem {
  readonly id = runId();
  readonly prefix: string;
  readonly databaseName: string;
  private databaseUrl?: string;
  private hops: { name: string; child: ChildProcess; output: string[] }[] = [];
  private topicsCreated = false;

  constructor(
    readonly mode: HopSettings['mode'],
    private readonly brokers: string,
    private readonly serverUrl: string,
    private readonly partitions: number,
  ) {
    this.prefix = `bench-${this.id}.${mode}.`;
    this.databaseName = `bench_${this.id}`;
  }

  /** topics[0] is the input; topics[n] is hop n's output. */
  get topics(): string[] {
    return Array.from({ length: HOPS + 1 }, (_, i) => `${this.prefix}hop${i}`);
  }

  get hopProcesses(): { name: string; pid: number }[] {
    return this.hops.map((h) => ({ name: h.name, pid: h.child.pid! }));
  }

  async start(): Promise<void> {
    const admin = createKafkaClient({ clientId: 'bench-admin', brokers: this.brokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await admin.createTopics({ waitForLeaders: true, topics: this.topics.map((topic) => ({ topic, numPartitions: this.partitions, replicationFactor: 1 })) });
      this.topicsCreated = true;
      await waitForLeaders(admin, this.topics, this.partitions);
    } finally {
      await admin.disconnect();
    }
    if (this.mode === 'outbox') await this.createSchemas();
    for (let hop = 1; hop <= HOPS; hop++) {
      const settings: HopSettings = {
        mode: this.mode,
        brokers: this.brokers,
        groupId: `${this.prefix}hop${hop}`,
        from: this.topics[hop - 1],
        to: this.topics[hop],
        partitions: this.partitions,
        databaseUrl: this.databaseUrl,
        schema: `hop${hop}`,
      };
      const child = fork(path.join(__dirname, 'floor-hop.process.ts'), [], {
        execArgv: ['-r', '@swc-node/register'],
        env: { ...process.env, BENCH_HOP: JSON.stringify(settings) },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      const entry = { name: `${this.mode === 'plain' ? 'A' : 'B'} hop ${hop}`, child, output: [] as string[] };
      const keep = (chunk: Buffer) => entry.output.push(chunk.toString());
      child.stdout!.on('data', keep);
      child.stderr!.on('data', keep);
      this.hops.push(entry);
    }
    await Promise.all(this.hops.map((h) => waitUntilReady(h.child, h.name, h.output)));
  }

  private async createSchemas(): Promise<void> {
    this.databaseUrl = await createFreshDatabase(this.serverUrl, this.databaseName);
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      for (let hop = 1; hop <= HOPS; hop++) {
        // The platform's inbox and outbox tables (libs/persistence inbox-outbox.migration.ts), one schema per hop as per service.
        await client.query(`CREATE SCHEMA hop${hop}`);
        await client.query(`CREATE TABLE hop${hop}.processed_event (
          event_id text PRIMARY KEY, topic text NOT NULL,
          outcome text NOT NULL CHECK (outcome IN ('APPLIED', 'DEAD_LETTERED')), processed_at timestamptz NOT NULL DEFAULT now())`);
        await client.query(`CREATE TABLE hop${hop}.outbox_message (
          id bigserial PRIMARY KEY, topic text NOT NULL, message_key text NOT NULL, value text NOT NULL,
          headers jsonb NOT NULL DEFAULT '{}'::jsonb, created_at timestamptz NOT NULL DEFAULT now(), published_at timestamptz)`);
      }
    } finally {
      await client.end();
    }
  }

  /** Output of hops that logged anything (errors), for a run that did not finish. */
  logs(): string {
    return this.hops.filter((h) => h.output.length > 0).map((h) => `${h.name}:\n${h.output.join('').slice(-4000)}`).join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all(this.hops.map((h) => stopChild(h.child)));
    this.hops = [];
    if (this.topicsCreated) {
      const admin = createKafkaClient({ clientId: 'bench-admin', brokers: this.brokers.split(','), logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      await admin.deleteTopics({ topics: this.topics }).catch(() => undefined);
      await admin.disconnect();
      this.topicsCreated = false;
    }
    if (this.databaseUrl) {
      await dropDatabase(this.serverUrl, this.databaseName).catch(() => undefined);
      this.databaseUrl = undefined;
    }
  }
}

/** A new topic's partitions may answer "not hosted here" for a moment after creation: wait until every one has a leader. */
async function waitForLeaders(admin: Admin, topics: string[], partitions: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics });
      if (meta.length === topics.length && meta.every((t) => t.partitions.length === partitions && t.partitions.every((p) => p.leader >= 0))) return;
    } catch {
      // not known yet
    }
    if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} have no leader for every partition after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function waitUntilReady(child: ChildProcess, name: string, output: string[], timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} not ready after ${timeoutMs} ms:\n${output.join('')}`)), timeoutMs);
    child.once('message', () => { clearTimeout(timer); resolve(); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${name} exited (code ${code}) before it was ready:\n${output.join('')}`)); });
  });
}

async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
