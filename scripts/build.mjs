#!/usr/bin/env node
/**
 * `npm run build` (and `prepare`, so `npm ci` builds): tsc emits src/,
 * handlers/ and jobs/ into dist/, then dist/.built is stamped with the time
 * the build STARTED, so a file saved during the build still counts as newer
 * and scripts/launch.mjs falls back to the sources.
 *
 *   node scripts/build.mjs            fails on type errors
 *   node scripts/build.mjs --lenient  (prepare) keeps going: no stamp, so
 *                                     `npm start` runs the sources through tsx
 */
import { spawnSync } from 'node:child_process';
import { rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lenient = process.argv.includes('--lenient');
const dist = path.join(root, 'dist');
const started = new Date();

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  // A production install (npm ci --omit=dev) has no compiler; the image copies dist/ from its build stage.
  process.stderr.write('[build] typescript is not installed; skipping the build (npm start will need dist/ or tsx)\n');
  process.exit(lenient ? 0 : 1);
}
rmSync(dist, { recursive: true, force: true });
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) {
  rmSync(path.join(dist, '.built'), { force: true });
  process.stderr.write('[build] tsc reported errors; dist/ is not marked fresh, so npm start runs the TypeScript sources\n');
  process.exit(lenient ? 0 : (r.status ?? 1));
}
const stamp = path.join(dist, '.built');
writeFileSync(stamp, `${started.toISOString()}\n`);
utimesSync(stamp, started, started);
