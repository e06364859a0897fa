import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '../../../..');

export const SERVICE_APPS = ['api', 'scoring-service', 'sanction-service', 'notification-service'] as const;
export type ServiceApp = (typeof SERVICE_APPS)[number];

/** One service of the platform running as its own process, exactly as in production. */
export class ServiceProcess {
  private child?: ChildProcess;
  private output = '';

  /**
   * `compiledRoot`: run the production build's entry point (`<root>/apps/<app>/src/main.js`, from
   * `npm run build`) as the image does, instead of the TypeScript source compiled at load.
   */
  constructor(
    readonly app: ServiceApp,
    private _port: number,
    private env: Record<string, string>,
    private readonly compiledRoot?: string,
  ) {}

  /** Stops the process and starts it again, optionally with changed environment (e.g. CLOCK_OFFSET_MS). */
  async restart(envChanges: Record<string, string> = {}): Promise<void> {
    await this.stop();
    this.env = { ...this.env, ...envChanges };
    await this.start();
  }

  get port(): number {
    return this._port;
  }

  /** The running process's id (for reading its CPU and memory from /proc), or undefined when stopped. */
  get pid(): number | undefined {
    return this.child && this.child.exitCode === null ? this.child.pid : undefined;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this._port}`;
  }

  /** Starts the service; a port taken meanwhile by another process is replaced by a free one (at most 3 times). */
  async start(timeoutMs = 90_000): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.startOnce(timeoutMs);
      } catch (error) {
        if (attempt >= 3 || !this.output.includes('EADDRINUSE')) throw error;
        this._port = await freePort();
      }
    }
  }

  private async startOnce(timeoutMs: number): Promise<void> {
    this.output = '';
    const entry = this.compiledRoot ? [path.join(this.compiledRoot, `apps/${this.app}/src/main.js`)] : ['-r', '@swc-node/register', path.join(repoRoot, `apps/${this.app}/src/main.ts`)];
    this.child = spawn(process.execPath, entry, {
      cwd: repoRoot,
      env: { ...process.env, ...this.env, HTTP_PORT: String(this._port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-200_000));
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    // 'close' comes once the output is drained, after 'exit': the reason of an early exit is then in the output.
    const closed = new Promise<void>((resolve) => this.child!.once('close', (code, signal) => {
      keep(Buffer.from(`\n[service-process] ${this.app} exited (code ${code}, signal ${signal}) at ${new Date().toISOString()}\n`));
      resolve();
    }));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) {
        await closed;
        throw new Error(`${this.app} exited with ${this.child.exitCode}:\n${this.output}`);
      }
      try {
        const response = await fetch(`${this.baseUrl}/health/ready`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${this.app} not ready after ${timeoutMs} ms:\n${this.output}`);
  }

  /** Graceful stop (SIGTERM, Nest shutdown hooks); SIGKILL after the grace period. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Freezes the process (SIGSTOP), e.g. to outlast its Kafka session as a stalled service would. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  logs(): string {
    return this.output;
  }

  /** Keeps the process's recent output in a file, for reading after a failed run. */
  saveLogs(dir: string): void {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${this.app}.log`), this.output);
  }
}

/**
 * A port free on every address, chosen below Linux's ephemeral range (32768+) so that no outgoing
 * connection (Kafka, PostgreSQL, a readiness probe) can take it between this check and the listen.
 */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const port = randomInt(20_000, 32_000);
    // Never the same port twice in one test process: services given ports at once listen only later.
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error('no free port found in 20000-31999');
}

const handedOut = new Set<number>();

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}
