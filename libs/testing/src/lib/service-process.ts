import { spawn, type ChildProcess } from 'node:child_process';
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

  constructor(
    readonly app: ServiceApp,
    readonly port: number,
    private env: Record<string, string>,
  ) {}

  /** Stops the process and starts it again, optionally with changed environment (e.g. CLOCK_OFFSET_MS). */
  async restart(envChanges: Record<string, string> = {}): Promise<void> {
    await this.stop();
    this.env = { ...this.env, ...envChanges };
    await this.start();
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(timeoutMs = 90_000): Promise<void> {
    this.output = '';
    this.child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(repoRoot, `apps/${this.app}/src/main.ts`)], {
      cwd: repoRoot,
      env: { ...process.env, ...this.env, HTTP_PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-200_000));
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.child.once('exit', (code, signal) => keep(Buffer.from(`\n[service-process] ${this.app} exited (code ${code}, signal ${signal}) at ${new Date().toISOString()}\n`)));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`${this.app} exited with ${this.child.exitCode}:\n${this.output}`);
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

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
