import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { copyOf, execForm, healthcheckOf, parseDockerfile, stageNamed, type Dockerfile } from './dockerfile';

/** What the image would be, laid out in a directory of this machine. */
export interface RehearsedImage {
  /** Plays the image's WORKDIR. */
  root: string;
  /** The runtime stage's ENV. */
  env: Record<string, string>;
  /** ENTRYPOINT without the init process, `node` replaced by the rehearsal's Node binary. */
  entrypoint: string[];
  /** HEALTHCHECK's command, `node` replaced likewise. */
  healthcheck: string[];
  user: string;
  /** Each step of the runtime stage and what the rehearsal did with it. */
  log: string[];
}

export interface RehearsalOptions {
  repoRoot: string;
  /** An empty directory that becomes the image's WORKDIR. */
  root: string;
  /** bin directory (node, npm) of the Node version the image runs (see node-lts.sh). */
  nodeBin: string;
}

export function readDockerfile(repoRoot: string): Dockerfile {
  return parseDockerfile(readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8'));
}

/**
 * Replays the Dockerfile's runtime stage in `root`: COPY from the build context copies from the repo;
 * COPY --from=build copies the build stage's output, which is the repo's own `npm run build` (the
 * build stage is `npm ci` + `npm run build` on the same sources); RUN's npm commands run with the
 * image's Node version (`npm cache clean` excepted: it would empty this machine's cache). Debian
 * packages (tini) and USER cannot be replayed without root in a container; the log says so.
 */
export function replayRuntimeStage(options: RehearsalOptions): RehearsedImage {
  const dockerfile = readDockerfile(options.repoRoot);
  const build = stageNamed(dockerfile, 'build');
  const runtime = stageNamed(dockerfile, 'runtime');
  if (!build.instructions.some((i) => i.keyword === 'RUN' && /\bnpm run build\b/.test(i.args))) throw new Error('the build stage no longer runs `npm run build`; the rehearsal copies that output');
  const buildWorkdir = build.instructions.find((i) => i.keyword === 'WORKDIR')?.args ?? '/';
  const image: RehearsedImage = { root: options.root, env: {}, entrypoint: [], healthcheck: [], user: 'root', log: [] };
  let workdir: string | undefined;
  const node = path.join(options.nodeBin, 'node');
  const local = (command: string[]) => (command[0] === 'node' ? [node, ...command.slice(1)] : command);

  mkdirSync(options.root, { recursive: true });
  for (const { keyword, args, line } of runtime.instructions) {
    const step = `${line}: ${keyword} ${args}`;
    switch (keyword) {
      case 'WORKDIR':
        workdir = args;
        image.log.push(`${step} → ${options.root}`);
        break;
      case 'ENV': {
        if (!/^\w+=\S*$/.test(args)) throw new Error(`line ${line}: one NAME=value per ENV line, please`);
        const [name, ...value] = args.split('=');
        image.env[name] = value.join('=');
        image.log.push(`${step} → set`);
        break;
      }
      case 'COPY': {
        if (!workdir) throw new Error(`line ${line}: COPY before WORKDIR`);
        const copy = copyOf(args);
        if (copy.fromStage !== undefined && copy.fromStage !== 'build') throw new Error(`line ${line}: COPY --from=${copy.fromStage}: only the build stage is rehearsed`);
        const destination = path.resolve(options.root, path.relative(workdir, path.resolve(workdir, copy.destination)));
        for (const source of copy.sources) {
          // The build stage's WORKDIR holds the repo's sources and, after `npm run build`, dist/.
          const from = copy.fromStage ? path.join(options.repoRoot, path.relative(buildWorkdir, source)) : path.join(options.repoRoot, source);
          if (!existsSync(from)) throw new Error(`line ${line}: ${from} does not exist${copy.fromStage ? ' (run `npm run build` first)' : ''}`);
          const target = copy.destination.endsWith('/') ? path.join(destination, path.basename(from)) : destination;
          cpSync(from, target, { recursive: true });
        }
        image.log.push(`${step} → copied`);
        break;
      }
      case 'RUN': {
        const commands = args.split('&&').map((c) => c.trim());
        if (!commands.some((c) => c.startsWith('npm '))) {
          image.log.push(`${step} → not replayed (system packages; the smoke suite starts node itself)`);
          break;
        }
        for (const command of commands) {
          if (!command.startsWith('npm ')) throw new Error(`line ${line}: cannot replay "${command}" beside npm commands`);
          if (command.startsWith('npm cache clean')) continue;
          runNpm(options, command.split(' ').slice(1));
        }
        image.log.push(`${step} → ran with Node ${execFileSync(node, ['--version']).toString().trim()}`);
        break;
      }
      case 'ENTRYPOINT': {
        const command = execForm(args);
        // tini is PID 1 in the image; here the test harness is the parent that signals and reaps.
        const tini = command.indexOf('--');
        image.entrypoint = local(/tini$/.test(command[0]) && tini > 0 ? command.slice(tini + 1) : command);
        image.log.push(`${step} → ${image.entrypoint.join(' ')}`);
        break;
      }
      case 'HEALTHCHECK':
        image.healthcheck = local(healthcheckOf(args).command);
        image.log.push(`${step} → run by the smoke suite`);
        break;
      case 'USER':
        image.user = args;
        image.log.push(`${step} → not replayed (this machine's user runs the processes)`);
        break;
      case 'EXPOSE':
      case 'CMD':
        image.log.push(`${step} → noted`);
        break;
      default:
        throw new Error(`line ${line}: the rehearsal does not know how to replay ${keyword}`);
    }
  }
  if (image.entrypoint.length === 0) throw new Error('the runtime stage has no ENTRYPOINT');
  return image;
}

function runNpm(options: RehearsalOptions, args: string[]): void {
  // The npm that runs `npm test` exports its own settings (npm_config_*); the image's npm has none.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  execFileSync(path.join(options.nodeBin, 'npm'), args, {
    cwd: options.root,
    env: { ...env, PATH: `${options.nodeBin}${path.delimiter}${env.PATH ?? ''}` },
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 10 * 60_000,
  });
}
