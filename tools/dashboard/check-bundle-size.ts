// The ops dashboard's initial JavaScript, measured from the build: the module scripts and modulepreloads
// that dist/index.html names, plus every chunk they import statically (dynamic imports, the pages, are
// left out: they load when their page opens). Each file's gzip size (level 9, as the build precompresses)
// is summed; the check fails above the limit. Run after `npx vite build -c apps/ops-dashboard/vite.config.mts`:
//   node -r @swc-node/register tools/dashboard/check-bundle-size.ts [--limit-kb 300] [--dist <dir>]
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export interface InitialFile {
  file: string;
  bytes: number;
  gzipBytes: number;
  brotliBytes: number;
}

/** Relative static imports of a built ES module: `import{a}from"./x.js"`, `export*from"./x.js"`, `import"./x.js"` (not `import("./x.js")`). */
function staticImports(code: string): string[] {
  const found = new Set<string>();
  const pattern = /(?:\bimport|\bexport)\s*(?:[\w$*{}\s,]*?\bfrom\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g;
  for (const match of code.matchAll(pattern)) found.add(match[1]);
  return [...found];
}

/** The files a cold load fetches before any page's own code: index.html's module scripts and modulepreloads, closed over static imports. */
export function initialJs(dist: string): InitialFile[] {
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const named = [
    ...[...html.matchAll(/<script\b[^>]*\btype="module"[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]),
    ...[...html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g)].map((m) => m[1]),
  ];
  if (named.length === 0) throw new Error(`${dist}/index.html names no module script: is it a Vite build?`);
  const seen = new Set<string>();
  const queue = named.map((url) => path.join(dist, url.replace(/^\//, '')));
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    if (!existsSync(file)) throw new Error(`${path.relative(dist, file)} is named by the build but missing`);
    seen.add(file);
    for (const specifier of staticImports(readFileSync(file, 'utf8'))) queue.push(path.resolve(path.dirname(file), specifier));
  }
  return [...seen].map((file) => {
    const content = readFileSync(file);
    return {
      file: path.relative(dist, file),
      bytes: content.length,
      gzipBytes: gzipSync(content, { level: 9 }).length,
      brotliBytes: brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  });
}

const kb = (bytes: number) => (bytes / 1000).toFixed(1);

function main(): void {
  const arg = (name: string) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? process.argv[at + 1] : undefined;
  };
  const limitKb = Number(arg('--limit-kb') ?? 300);
  const dist = path.resolve(arg('--dist') ?? path.join(__dirname, '../../apps/ops-dashboard/dist'));
  const files = initialJs(dist);
  const total = files.reduce((sum, f) => ({ bytes: sum.bytes + f.bytes, gzip: sum.gzip + f.gzipBytes, brotli: sum.brotli + f.brotliBytes }), { bytes: 0, gzip: 0, brotli: 0 });
  for (const f of files) console.log(`  ${f.file.padEnd(44)} ${kb(f.bytes).padStart(8)} kB  gzip ${kb(f.gzipBytes).padStart(7)} kB  br ${kb(f.brotliBytes).padStart(7)} kB`);
  console.log(`initial JS of the ops dashboard: ${files.length} files, ${kb(total.bytes)} kB, gzip ${kb(total.gzip)} kB (limit ${limitKb} kB), brotli ${kb(total.brotli)} kB`);
  if (total.gzip > limitKb * 1000) {
    console.error(`the ops dashboard's initial JS is ${kb(total.gzip)} kB gzipped, over the ${limitKb} kB limit: split it (React.lazy per page) or drop a dependency`);
    process.exit(1);
  }
}

if (require.main === module) main();
