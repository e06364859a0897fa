import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// The dashboard's browser code. JSX is compiled by Vite's own esbuild (no React plugin: nothing here
// needs fast refresh). The built files go to dist/, which server/main.ts serves.
export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  build: { outDir: fileURLToPath(new URL('./dist', import.meta.url)), emptyOutDir: true, chunkSizeWarningLimit: 2_000 },
  esbuild: { jsx: 'automatic' },
});
