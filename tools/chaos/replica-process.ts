import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { freePort, type ServiceApp } from '@penalty/testing';

const repoRoot = path.resolve(__dirname, '../..');
/** Settings of the caller's shell that would change what the run expects (rules, clock, channels): never inherited. */
const NOT_INHERITED = /^(RULE_OVERRIDES|CLOCK_OFFSET_MS|SMTP_URL|SMS_PROVIDER_URL|SMS_PROVIDER_TOKEN|OIDC_.*|BOOTSTRAP_.*|TOPIC_.*|KAFKA_.*|DATABASE_URL|HTTP_PORT)$/;

export interface ReplicaExit {
  replica: string;
  at: number;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One replica of a service as its own process, started the way production starts it. Unlike the
 * integration tests' launcher it is built to be crashed: its output goes to a log file as it comes
 * (a SIGKILL loses nothing already written, and restarts append), and an exit nobody asked for is
 * reported so the run can say so and start the replica again, as an orchestrator would.
 */
export class ReplicaProcess {
  private child?: ChildProcess;
  private log: WriteStream;
  private recent: string[] = [];
  private expectingExit = false;
  /** An exit while starting is the start's failure, reported by start() itself. */
  private starting = false;

  constructor(
    readonly app: ServiceApp,
    readonly replica: number,
    private _port: number,
    private readonly env: Record<string, string>,
    logDir: string,
    private readonly onUnexpectedExit: (exit: ReplicaExit) => void,
  ) {
    mkdirSync(logDir, { recursive: true });
    this.log = createWriteStream(path.join(logDir, `${this.name}.log`), { flags: 'a' });
  }

  get name(): string {
    return `${this.app}#${this.replica}`;
  }

  get port(): number {
    return this._port;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this._port}`;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process and waits for /health/ready; a port taken meanwhile is replaced (at most 3 times). */
  async start(timeoutMs = 180_000): Promise<void> {
    this.starting = true;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.startOnce(timeoutMs);
        } catch (error) {
          if (attempt >= 3 || !this.tail(40).includes('EADDRINUSE')) throw error;
          this._port = await freePort();
        }
      }
    } finally {
      this.starting = false;
    }
  }

  private async startOnce(timeoutMs: number): Promise<void> {
    this.expectingExit = false;
    this.note(`starting on port ${this._port}`);
    const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(repoRoot, `apps/${this.app}/src/main.ts`)], {
      cwd: repoRoot,
      env: { ...inheritedEnvironment(), ...this.env, HTTP_PORT: String(this._port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.log.write(chunk);
      this.recent.push(...chunk.toString().split('\n'));
      if (this.recent.length > 400) this.recent.splice(0, this.recent.length - 200);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.once('exit', (code, signal) => {
      this.note(`exited (code ${code}, signal ${signal})`);
      if (!this.expectingExit && !this.starting) this.onUnexpectedExit({ replica: this.name, at: Date.now(), code, signal });
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${this.name} exited during start (code ${child.exitCode}, signal ${child.signalCode}):\n${this.tail(30)}`);
      }
      if (await this.ready()) {
        this.note('ready');
        return;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${this.name} not ready after ${timeoutMs} ms:\n${this.tail(30)}`);
  }

  async ready(): Promise<boolean> {
    try {
      const response = await fetch(`${this.baseUrl}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      return response.ok;
    } catch {
      return false;
    }
  }

  /** SIGKILL: no shutdown hooks, open transactions and unsent batches are cut off as in a crash. */
  async kill(): Promise<void> {
    await this.signalAndWait('SIGKILL', 0);
  }

  /** SIGSTOP: the process is frozen (no heartbeats, no I/O) until resume(). */
  pause(): void {
    this.note('SIGSTOP');
    if (this.running) this.child!.kill('SIGSTOP');
  }

  resume(): void {
    this.note('SIGCONT');
    if (this.running) this.child!.kill('SIGCONT');
  }

  /** Graceful stop (SIGTERM) with SIGKILL after the grace period; a frozen process is thawed first. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.running) this.child!.kill('SIGCONT');
    await this.signalAndWait('SIGTERM', graceMs);
  }

  private async signalAndWait(signal: NodeJS.Signals, graceMs: number): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.expectingExit = true;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.note(`sending ${signal}`);
    child.kill(signal);
    const timer = graceMs > 0 ? setTimeout(() => child.kill('SIGKILL'), graceMs) : undefined;
    await exited;
    if (timer) clearTimeout(timer);
  }

  tail(lines: number): string {
    return this.recent.slice(-lines).join('\n');
  }

  async closeLog(): Promise<void> {
    await new Promise<void>((resolve) => this.log.end(resolve));
  }

  private note(what: string): void {
    this.log.write(`\n[chaos] ${new Date().toISOString()} ${this.name} ${what}\n`);
  }
}

function inheritedEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !NOT_INHERITED.test(name)));
}
