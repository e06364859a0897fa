import { freePort, SERVICE_APPS } from '@penalty/testing';
import { ReplicaProcess, type ReplicaExit } from './replica-process';

/**
 * The four services, each as several replicas: separate processes with their own HTTP ports and the
 * same consumer groups, database and topic namespace, as a deployment with two pods per service.
 */
export class ReplicatedPlatform {
  readonly replicas: ReplicaProcess[] = [];
  readonly unexpectedExits: ReplicaExit[] = [];
  private readonly restarting = new Set<string>();
  private closing = false;

  constructor(
    private readonly env: Record<string, string>,
    private readonly replicasPerApp: number,
    private readonly logDir: string,
    private readonly progress: (line: string) => void,
  ) {}

  async start(): Promise<void> {
    for (let n = 1; n <= this.replicasPerApp; n++) {
      for (const app of SERVICE_APPS) {
        this.replicas.push(new ReplicaProcess(app, n, await freePort(), this.env, this.logDir, (exit) => this.exitedByItself(exit)));
      }
    }
    // One at a time: the first replica of each app creates its topics and runs its migrations, and the
    // api's bootstrap key is seeded once before a second api looks for it.
    for (const replica of this.replicas) {
      const started = Date.now();
      await replica.start();
      this.progress(`  ${replica.name} ready on port ${replica.port} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  }

  replica(name: string): ReplicaProcess {
    const replica = this.replicas.find((r) => r.name === name);
    if (!replica) throw new Error(`no replica ${name}`);
    return replica;
  }

  of(app: string): ReplicaProcess[] {
    return this.replicas.filter((r) => r.app === app);
  }

  /** Starts a replica again, retrying while the broker or database it needs is still coming back. */
  async restart(replica: ReplicaProcess, deadlineMs = 300_000): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    this.restarting.add(replica.name);
    try {
      for (;;) {
        try {
          await replica.start();
          return;
        } catch (error) {
          if (this.closing || Date.now() > deadline) throw error;
          this.progress(`  ${replica.name} did not start (${(error as Error).message.split('\n')[0]}); retrying`);
          await replica.kill();
          await new Promise((r) => setTimeout(r, 2_000));
        }
      }
    } finally {
      this.restarting.delete(replica.name);
    }
  }

  /** From now on an exit is the run's own doing (Ctrl-C reaches the replicas too): nothing is restarted. */
  close(): void {
    this.closing = true;
  }

  async stop(): Promise<void> {
    this.closing = true;
    await Promise.all(this.replicas.map((r) => r.stop()));
    await Promise.all(this.replicas.map((r) => r.closeLog()));
  }

  /** Names of replicas that do not answer /health/ready now. */
  async notReady(): Promise<string[]> {
    const states = await Promise.all(this.replicas.map(async (r) => ((await r.ready()) ? null : r.name)));
    return states.filter((s): s is string => s !== null);
  }

  private exitedByItself(exit: ReplicaExit): void {
    if (this.closing) return;
    this.unexpectedExits.push(exit);
    const replica = this.replica(exit.replica);
    this.progress(`  ! ${exit.replica} exited by itself (code ${exit.code}, signal ${exit.signal}); starting it again. Last lines:\n${indent(replica.tail(15))}`);
    if (this.restarting.has(replica.name)) return;
    void new Promise((r) => setTimeout(r, 1_000))
      .then(() => (this.closing ? undefined : this.restart(replica)))
      .catch((error: Error) => this.progress(`  ! ${replica.name} could not be started again: ${error.message.split('\n')[0]}`));
  }
}

export function indent(text: string, prefix = '      '): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}
