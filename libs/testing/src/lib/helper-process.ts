import { spawn, type ChildProcess } from 'node:child_process';

/** A Node process a test starts beside the services (the dashboard's server, an identity provider), ready once `readyUrl` answers. */
export class HelperProcess {
  private child?: ChildProcess;
  private output = '';

  constructor(private readonly name: string) {}

  async start(args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv }, readyUrl: string): Promise<void> {
    this.child = spawn(process.execPath, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-100_000));
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    for (let i = 0; i < 120; i++) {
      if (this.child.exitCode !== null) throw new Error(`${this.name} exited with ${this.child.exitCode}:\n${this.output}`);
      if (await fetch(readyUrl).then((r) => r.ok).catch(() => false)) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${this.name} did not answer on ${readyUrl}:\n${this.output}`);
  }

  async stop(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child!.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }

  logs(): string {
    return this.output;
  }
}
