import { readFileSync } from 'node:fs';
import path from 'node:path';
import { copyOf, execForm, healthcheckOf, parseDockerfile, stageNamed } from './dockerfile';

const repoRoot = path.resolve(__dirname, '../../..');
const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');

describe('the Dockerfile reader', () => {
  it('joins continuation lines, skips comments and substitutes global ARGs in FROM', () => {
    const file = parseDockerfile(['ARG V=24.1.0', '# a comment', 'FROM node:${V}-slim AS build', 'RUN a \\', '  # inside', '  && b', 'FROM node:$V AS runtime', 'COPY --from=build /app/dist ./dist'].join('\n'));
    expect(file.globalArgs).toEqual({ V: '24.1.0' });
    expect(file.stages.map((s) => [s.name, s.from])).toEqual([['build', 'node:24.1.0-slim'], ['runtime', 'node:24.1.0']]);
    expect(file.stages[0].instructions).toEqual([{ keyword: 'RUN', args: 'a && b', line: 4 }]);
    expect(copyOf(file.stages[1].instructions[0].args)).toEqual({ fromStage: 'build', sources: ['/app/dist'], destination: './dist' });
  });

  it('refuses what it cannot read rather than guessing', () => {
    expect(() => parseDockerfile('FROM node:${MISSING}')).toThrow(/MISSING/);
    expect(() => parseDockerfile('RUN true')).toThrow(/before the first FROM/);
    expect(() => execForm('node main.js')).toThrow();
    expect(() => healthcheckOf('CMD curl -f http://x')).toThrow(/exec form/);
  });
});

describe('the image recipe', () => {
  const dockerfile = parseDockerfile(read('Dockerfile'));
  const runtime = stageNamed(dockerfile, 'runtime');
  const all = (keyword: string) => runtime.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
  const one = (keyword: string) => {
    const found = all(keyword);
    expect([keyword, found.length]).toEqual([keyword, 1]);
    return found[0];
  };

  it('builds on a slim Debian image of a Node LTS that package.json supports (24)', () => {
    const engines: string = JSON.parse(read('package.json')).engines.node;
    const major = dockerfile.globalArgs.NODE_VERSION.split('.')[0];
    expect(major).toBe('24');
    expect(engines).toContain(`^${major}.`);
    for (const stage of dockerfile.stages) expect(stage.from).toBe(`node:${dockerfile.globalArgs.NODE_VERSION}-bookworm-slim`);
  });

  it('installs production dependencies only, from the lockfile, and copies only the build output beside them', () => {
    expect(all('RUN').filter((run) => /\bnpm ci\b/.test(run))).toEqual([expect.stringMatching(/^npm ci --omit=dev\b/)]);
    expect(all('COPY').map(copyOf)).toEqual([
      { fromStage: undefined, sources: ['package.json', 'package-lock.json'], destination: './' },
      { fromStage: 'build', sources: ['/app/dist'], destination: './dist' },
    ]);
    expect(one('WORKDIR')).toBe('/app');
    expect(all('ENV')).toContain('NODE_ENV=production');
  });

  it('runs as a numeric non-root user under tini, with a HEALTHCHECK on /health/live', () => {
    expect(one('USER')).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(all('RUN').some((run) => /apt-get install .*\btini\b/.test(run))).toBe(true);
    expect(execForm(one('ENTRYPOINT'))).toEqual(['/usr/bin/tini', '--', 'node', 'dist/tools/deploy/launch.js']);
    const healthcheck = healthcheckOf(one('HEALTHCHECK'));
    expect(healthcheck.command).toEqual(['node', 'dist/tools/deploy/healthcheck.js']);
    expect(read('tools/deploy/healthcheck.ts')).toContain('/health/live');
  });

  it('keeps host dependencies, builds, git and local state out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git', '.local', '.env']));
  });
});
