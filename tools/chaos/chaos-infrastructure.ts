import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '@penalty/testing';

const repoRoot = path.resolve(__dirname, '../..');
/** Every chaos run's broker and database live under here, one directory per run. */
const STATE_ROOT = '/var/tmp/penalty-chaos';

/**
 * The run's own Kafka broker and PostgreSQL server, started by the project's scripts on ports of
 * their own and a state directory of their own, so the run may kill them without touching the
 * development stack (or another run).
 */
export class ChaosInfrastructure {
  readonly stateDir: string;
  private env!: Record<string, string>;
  /** Scripts still running (a start interrupted by Ctrl-C finishes before stop() stops what it started). */
  private readonly running = new Set<Promise<void>>();

  constructor(
    readonly runId: string,
    private readonly logFile: string,
  ) {
    this.stateDir = path.join(STATE_ROOT, runId);
  }

  get kafkaBrokers(): string {
    return `127.0.0.1:${this.env.KAFKA_PORT}`;
  }

  /** The server's maintenance database, for creating the run's database. */
  get databaseServerUrl(): string {
    return `postgres://penalty:penalty@127.0.0.1:${this.env.PG_PORT}/penalty`;
  }

  async start(): Promise<void> {
    await stopAbandonedRuns(this.logFile);
    mkdirSync(this.stateDir, { recursive: true });
    // The owner's pid: a later run stops what a run that died without cleaning up left running.
    writeFileSync(path.join(this.stateDir, 'owner.pid'), String(process.pid));
    this.env = {
      PENALTY_STATE_DIR: this.stateDir,
      KAFKA_PORT: String(await freePort()),
      KAFKA_CONTROLLER_PORT: String(await freePort()),
      PG_PORT: String(await freePort()),
    };
    await Promise.all([this.startDatabase(), this.startBroker()]);
  }

  startBroker(): Promise<void> {
    return this.script('kafka.sh', 'start');
  }

  /** SIGKILL: no clean shutdown, the next start recovers the logs. */
  killBroker(): Promise<void> {
    return this.script('kafka.sh', 'kill');
  }

  startDatabase(): Promise<void> {
    return this.script('postgres.sh', 'start');
  }

  /** `pg_ctl stop -m immediate`: every backend quits at once, the next start runs crash recovery. */
  killDatabase(): Promise<void> {
    return this.script('postgres.sh', 'kill');
  }

  /** Stops both servers (cleanly when they answer) and removes their data unless `keepState`. */
  async stop(keepState: boolean): Promise<void> {
    if (!this.env) return;
    await Promise.allSettled([...this.running]);
    await this.script('kafka.sh', 'stop').catch(() => this.script('kafka.sh', 'kill').catch(() => undefined));
    await this.script('postgres.sh', 'stop').catch(() => this.script('postgres.sh', 'kill').catch(() => undefined));
    if (!keepState) rmSync(this.stateDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 500 });
  }

  private script(name: string, command: string): Promise<void> {
    const run = runScript(name, command, { PENALTY_STATE_DIR: this.stateDir, ...this.env }, this.logFile);
    this.running.add(run);
    return run.finally(() => this.running.delete(run));
  }
}

function runScript(name: string, command: string, env: Record<string, string>, logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    execFile('bash', [path.join(repoRoot, 'scripts/infra', name), command], { cwd: repoRoot, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      appendFileSync(logFile, `[${new Date().toISOString()}] ${name} ${command} (${Date.now() - started} ms)${error ? ' FAILED' : ''}\n${stdout}${stderr}`);
      if (error) reject(new Error(`${name} ${command} failed: ${stderr.trim().split('\n').slice(-5).join(' | ') || error.message}`));
      else resolve();
    });
  });
}

/** Broker and database of earlier runs whose owner process is gone (killed before its cleanup). */
async function stopAbandonedRuns(logFile: string): Promise<void> {
  if (!existsSync(STATE_ROOT)) return;
  for (const run of readdirSync(STATE_ROOT)) {
    const stateDir = path.join(STATE_ROOT, run);
    const ownerFile = path.join(stateDir, 'owner.pid');
    const owner = existsSync(ownerFile) ? Number(readFileSync(ownerFile, 'utf8')) : NaN;
    if (Number.isInteger(owner) && isAlive(owner)) continue;
    const env = { PENALTY_STATE_DIR: stateDir };
    await runScript('kafka.sh', 'kill', env, logFile).catch(() => undefined);
    await runScript('postgres.sh', 'kill', env, logFile).catch(() => undefined);
    rmSync(stateDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 500 });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
