import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RehearsedImage } from './runtime-stage';

/** One app of the image running: as a process started from the rehearsed directory, or as a container. */
export interface RunningApp {
  readonly app: string;
  readonly baseUrl: string;
  /** Resolves when the process (or `docker run`) ends, with its exit code or signal. */
  readonly exited: Promise<string>;
  logs(): string;
  /** Graceful stop (SIGTERM, as Kubernetes and `docker stop` send it); resolves with how it ended. */
  stop(): Promise<string>;
}

export interface ImageUnderTest {
  readonly description: string;
  /** Starts `app` (the image's argument) with `env` on top of the image's own ENV. */
  run(app: string, port: number, env: Record<string, string>): RunningApp;
  /** Runs the image's HEALTHCHECK command for a running app; true when it exits 0. */
  healthcheck(running: RunningApp): boolean;
  dispose(): void;
}

/** The runtime stage replayed in a directory of this machine (runtime-stage.ts), run with its Node. */
export class RehearsedImageUnderTest implements ImageUnderTest {
  readonly description: string;
  private readonly ports = new Map<RunningApp, number>();

  constructor(
    private readonly image: RehearsedImage,
    private readonly systemPath: string,
  ) {
    this.description = `the runtime stage replayed in ${image.root}`;
  }

  run(app: string, port: number, env: Record<string, string>): RunningApp {
    const [command, ...args] = this.image.entrypoint;
    // Only what a container would have: its ENV, PATH and HOME, never the test runner's environment.
    const child = spawn(command, [...args, app], {
      cwd: this.image.root,
      env: { PATH: this.systemPath, HOME: this.image.root, ...this.image.env, ...env, HTTP_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const running = processOf(app, port, child, () => child.kill('SIGTERM'));
    this.ports.set(running, port);
    return running;
  }

  healthcheck(running: RunningApp): boolean {
    const [command, ...args] = this.image.healthcheck;
    try {
      execFileSync(command, args, { cwd: this.image.root, env: { PATH: this.systemPath, ...this.image.env, HTTP_PORT: String(this.ports.get(running)) }, stdio: 'ignore', timeout: 15_000 });
      return true;
    } catch {
      return false;
    }
  }

  dispose(): void {}
}

/** The image built by a Docker engine, each app a container on the host network (so it reaches the test's Kafka and PostgreSQL). */
export class DockerImageUnderTest implements ImageUnderTest {
  readonly description: string;
  private readonly containers = new Map<RunningApp, string>();

  constructor(
    private readonly tag: string,
    private readonly healthcheckCommand: string[],
    private readonly runId: string,
  ) {
    this.description = `the image ${tag} in Docker`;
  }

  static build(repoRoot: string, tag: string): void {
    execFileSync('docker', ['build', '--tag', tag, repoRoot], { stdio: 'inherit', timeout: 20 * 60_000 });
  }

  run(app: string, port: number, env: Record<string, string>): RunningApp {
    const name = `penalty-smoke-${this.runId}-${app}`;
    const variables = Object.entries({ ...env, HTTP_PORT: String(port) }).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
    const child = spawn('docker', ['run', '--rm', '--name', name, '--network', 'host', '--read-only', '--tmpfs', '/tmp', ...variables, this.tag, app], { stdio: ['ignore', 'pipe', 'pipe'] });
    const running = processOf(app, port, child, () => execFileSync('docker', ['stop', '--time', '20', name], { stdio: 'ignore' }));
    this.containers.set(running, name);
    return running;
  }

  healthcheck(running: RunningApp): boolean {
    try {
      execFileSync('docker', ['exec', this.containers.get(running)!, ...this.healthcheckCommand], { stdio: 'ignore', timeout: 15_000 });
      return true;
    } catch {
      return false;
    }
  }

  dispose(): void {
    execFileSync('docker', ['image', 'rm', '--force', this.tag], { stdio: 'ignore' });
  }
}

function processOf(app: string, port: number, child: ChildProcess, terminate: () => void): RunningApp {
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-200_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<string>((resolve) => child.once('close', (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`)));
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    exited,
    logs: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) terminate();
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const how = await exited;
      clearTimeout(timer);
      return how;
    },
  };
}

/** Keeps every app's output under .local/image-rehearsal/<run>/ for reading after a failed run. */
export function saveLogs(repoRoot: string, runId: string, apps: Iterable<RunningApp>): string {
  const dir = path.join(repoRoot, '.local/image-rehearsal', runId);
  mkdirSync(dir, { recursive: true });
  for (const running of apps) writeFileSync(path.join(dir, `${running.app}.log`), running.logs());
  return dir;
}
