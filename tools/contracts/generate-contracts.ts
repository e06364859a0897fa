// Writes the published contract (libs/contracts/generated) from @penalty/contracts, and every service's
// OpenAPI document (libs/contracts/generated/openapi, from the services' module graphs: openapi-documents.ts).
//   node -r @swc-node/register tools/contracts/generate-contracts.ts          regenerate
//   node -r @swc-node/register tools/contracts/generate-contracts.ts --check  CI: exit 1 if stale
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { SCHEMAS_DIR, generateContractFiles } from '../../libs/contracts/src/generation/contract-documents';
import { OPENAPI_DIR, generateOpenApiFiles } from './openapi-documents';

const repoRoot = resolve(__dirname, '../..');

/** Generated files that differ from disk, plus schema files on disk that are no longer generated. */
export function staleContractFiles(files: Record<string, string>): string[] {
  const stale = Object.entries(files)
    .filter(([path, content]) => {
      const absolute = join(repoRoot, path);
      return !existsSync(absolute) || readFileSync(absolute, 'utf8') !== content;
    })
    .map(([path]) => path);
  return [...stale, ...orphans(files)].sort();
}

function orphans(files: Record<string, string>): string[] {
  return [SCHEMAS_DIR, OPENAPI_DIR].flatMap((generatedDir) => {
    const dir = join(repoRoot, generatedDir);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .map((name) => relative(repoRoot, join(dir, name)).split('\\').join('/'))
      .filter((path) => !(path in files));
  });
}

async function main(argv: string[]): Promise<number> {
  const files = { ...generateContractFiles(), ...(await generateOpenApiFiles()) };
  if (argv.includes('--check')) {
    const stale = staleContractFiles(files);
    for (const path of stale) console.error(`stale: ${path}`);
    if (stale.length > 0) {
      console.error(
        'The generated contract is out of date: run node -r @swc-node/register tools/contracts/generate-contracts.ts and commit the result.',
      );
      return 1;
    }
    console.log(`contracts up to date (${Object.keys(files).length} files)`);
    return 0;
  }
  for (const path of orphans(files)) {
    rmSync(join(repoRoot, path));
    console.log(`removed ${path}`);
  }
  for (const [path, content] of Object.entries(files)) {
    const absolute = join(repoRoot, path);
    mkdirSync(dirname(absolute), { recursive: true });
    if (existsSync(absolute) && readFileSync(absolute, 'utf8') === content) continue;
    writeFileSync(absolute, content);
    console.log(`wrote ${path}`);
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: Error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
