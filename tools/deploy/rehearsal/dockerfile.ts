/**
 * Just enough of a Dockerfile reader for the image rehearsal: stages and their instructions, with
 * line continuations joined and global ARG defaults substituted in FROM. The rehearsal replays the
 * runtime stage from what this returns, so the Dockerfile stays the one description of the image.
 */
export interface DockerInstruction {
  keyword: string;
  /** Everything after the keyword, continuation lines joined with single spaces. */
  args: string;
  line: number;
}

export interface DockerStage {
  name?: string;
  from: string;
  instructions: DockerInstruction[];
}

export interface Dockerfile {
  globalArgs: Record<string, string>;
  stages: DockerStage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const globalArgs: Record<string, string> = {};
  const stages: DockerStage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const first = i + 1;
    let logical = lines[i];
    if (/^\s*(#|$)/.test(logical)) continue;
    while (/\\\s*$/.test(logical) && i + 1 < lines.length) {
      const next = lines[++i];
      if (/^\s*#/.test(next)) continue;
      logical = logical.replace(/\\\s*$/, ' ') + next.trim();
    }
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(logical.trim());
    if (!match) throw new Error(`Dockerfile line ${first}: cannot read "${logical.trim()}"`);
    const keyword = match[1].toUpperCase();
    const args = match[2].replace(/\s+/g, ' ').trim();
    if (keyword === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!from) throw new Error(`Dockerfile line ${first}: cannot read FROM ${args}`);
      stages.push({ from: substitute(from[1], globalArgs), name: from[2], instructions: [] });
    } else if (stages.length === 0) {
      if (keyword !== 'ARG') throw new Error(`Dockerfile line ${first}: only ARG may come before the first FROM`);
      const [name, value = ''] = args.split('=', 2);
      globalArgs[name] = value;
    } else {
      stages[stages.length - 1].instructions.push({ keyword, args, line: first });
    }
  }
  return { globalArgs, stages };
}

export function stageNamed(dockerfile: Dockerfile, name: string): DockerStage {
  const stage = dockerfile.stages.find((s) => s.name === name);
  if (!stage) throw new Error(`the Dockerfile has no stage named ${name}`);
  return stage;
}

/** The JSON exec form of CMD, ENTRYPOINT or HEALTHCHECK … CMD (the shell form is not accepted). */
export function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string')) throw new Error(`not an exec form: ${args}`);
  return parsed;
}

export interface CopyInstruction {
  /** The stage copied from (`--from=`), undefined for the build context. */
  fromStage?: string;
  sources: string[];
  destination: string;
}

export function copyOf(args: string): CopyInstruction {
  const words = args.split(' ');
  let fromStage: string | undefined;
  while (words[0]?.startsWith('--')) {
    const flag = words.shift()!;
    if (flag.startsWith('--from=')) fromStage = flag.slice('--from='.length);
    else throw new Error(`COPY flag the rehearsal does not know: ${flag}`);
  }
  if (words.length < 2) throw new Error(`COPY needs a source and a destination: ${args}`);
  return { fromStage, sources: words.slice(0, -1), destination: words[words.length - 1] };
}

/** HEALTHCHECK [--option=value …] CMD [...]: the options and the command. */
export function healthcheckOf(args: string): { options: Record<string, string>; command: string[] } {
  const match = /^((?:--[a-z-]+=\S+\s+)*)CMD\s+(\[.*\])$/.exec(args);
  if (!match) throw new Error(`HEALTHCHECK must be "[--options] CMD [exec form]": ${args}`);
  const options = Object.fromEntries(
    match[1]
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((option) => option.slice(2).split('=', 2) as [string, string]),
  );
  return { options, command: execForm(match[2]) };
}

function substitute(value: string, args: Record<string, string>): string {
  return value.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    if (!(name in args)) throw new Error(`FROM uses $${name}, which no ARG before the first FROM defines`);
    return args[name];
  });
}
