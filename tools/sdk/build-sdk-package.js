// Builds @penalty/sdk as an npm package into dist/libs/sdk: tsc (libs/sdk/tsconfig.lib.json) emits the
// SDK and the contract code it reuses with declarations, tsc-alias rewrites the @penalty/* aliases
// into relative requires, and the package's manifest and README are copied beside. `npm pack
// dist/libs/sdk` then makes the tarball. Plain JS: runs without a TypeScript loader.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const out = path.join(root, 'dist/libs/sdk');
const bin = (name) => path.join(root, 'node_modules/.bin', name);

fs.rmSync(out, { recursive: true, force: true });
execFileSync(bin('tsc'), ['-p', 'libs/sdk/tsconfig.lib.json'], { cwd: root, stdio: 'inherit' });
execFileSync(bin('tsc-alias'), ['-p', 'libs/sdk/tsconfig.lib.json'], { cwd: root, stdio: 'inherit' });
fs.copyFileSync(path.join(root, 'libs/sdk/package.json'), path.join(out, 'package.json'));
fs.copyFileSync(path.join(root, 'libs/sdk/README.md'), path.join(out, 'README.md'));
const manifest = JSON.parse(fs.readFileSync(path.join(out, 'package.json'), 'utf8'));
for (const entry of [manifest.main, manifest.types]) {
  if (!fs.existsSync(path.join(out, entry))) throw new Error(`the build has no ${entry}`);
}
console.log(`built ${manifest.name}@${manifest.version} into ${path.relative(root, out)}`);
