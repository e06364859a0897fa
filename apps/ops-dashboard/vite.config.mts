import { defineConfig, type Plugin } from 'vite';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/**
 * Writes a brotli (.br, quality 11) and a gzip (.gz, level 9) copy beside each text file of the build,
 * which the server (express-static-gzip) sends as the browser accepts: compressed once at build time
 * at the highest settings, instead of on every request at the fast ones.
 */
function precompress(): Plugin {
  return {
    name: 'ops-dashboard:precompress',
    apply: 'build',
    async writeBundle(options, bundle) {
      // The directory written to, resolved (a relative --outDir, as the Nx build passes, is relative to the root).
      const outDir = options.dir!;
      const files = Object.values(bundle)
        .filter((output) => /\.(js|css|html|svg|json|txt)$/.test(output.fileName))
        .map((output) => ({ file: path.join(outDir, output.fileName), content: Buffer.from(output.type === 'chunk' ? output.code : output.source) }));
      await Promise.all(
        files.flatMap(({ file, content }) => [
          brotli(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: content.length } }).then((b) => writeFile(`${file}.br`, b)),
          gzipped(content, { level: 9 }).then((g) => writeFile(`${file}.gz`, g)),
        ]),
      );
    },
  };
}

// The dashboard's browser code. JSX is compiled by Vite's own esbuild (no React plugin: nothing here
// needs fast refresh). The built files go to dist/, which server/main.ts serves. Each page is its own
// chunk (React.lazy in web/src/main.tsx); the default chunk-size warning (500 kB) stays on.
export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  build: { outDir: fileURLToPath(new URL('./dist', import.meta.url)), emptyOutDir: true },
  esbuild: { jsx: 'automatic' },
  plugins: [precompress()],
});
