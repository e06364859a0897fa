import path from 'node:path';
import { ENTRY_POINTS, isRunnable } from './apps';

/**
 * The image's entry point (behind tini): `node dist/tools/deploy/launch.js <app>`, or APP=<app>, runs
 * one of the five apps or the provisioning job in this process. One image for all of them, the app
 * chosen at run time by the container's argument.
 */
const name = process.argv[2] ?? process.env.APP ?? '';
if (!isRunnable(name)) {
  console.error(`usage: launch.js <${Object.keys(ENTRY_POINTS).join('|')}> (or APP=…); got "${name}"`);
  process.exit(2);
}
// dist/tools/deploy/launch.js → dist/
const distRoot = path.resolve(__dirname, '../..');
import(path.join(distRoot, ENTRY_POINTS[name])).catch((error: unknown) => {
  console.error(`${name} failed to load:`, error);
  process.exit(1);
});
