#!/usr/bin/env node
/**
 * `npm start` / `npm run cli`: run the compiled JavaScript in dist/ when it is
 * fresh (dist/.built newer than every .ts file under src/, handlers/, jobs/),
 * otherwise the TypeScript sources through tsx. Compiled start-up skips
 * tsx's loader and on-the-fly transpiling, which was most of a short command's
 * time. Same process either way (no extra child), so stdin, signals and exit
 * codes are the app's own.
 *
 *   node scripts/launch.mjs main|cli [args…]
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [entry] = process.argv.splice(2, 1);
if (entry !== 'main' && entry !== 'cli') {
  process.stderr.write('用法：node scripts/launch.mjs main|cli [参数…]\n');
  process.exit(64);
}

/** Newest modification time of a .ts file under `dir` (bounded walk). */
function newestSource(dir, budget = { left: 5000 }) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (--budget.left < 0) return Infinity;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p, budget));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function distIsFresh() {
  let built;
  try {
    built = statSync(path.join(root, 'dist', '.built')).mtimeMs;
  } catch {
    return false;
  }
  return ['src', 'handlers', 'jobs'].every((d) => newestSource(path.join(root, d)) <= built);
}

let file;
if (distIsFresh()) {
  file = path.join(root, 'dist', 'src', `${entry}.js`);
} else {
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch {
    process.stderr.write('dist/ 不是最新的编译结果，且没有安装 tsx：请先运行 npm run build（或 npm ci 安装全部依赖）。\n');
    process.exit(1);
  }
  file = path.join(root, 'src', `${entry}.ts`);
}
// The app sees itself as the script that was run (src/cli.ts checks argv[1] to know it is the entry point).
process.argv[1] = file;
await import(pathToFileURL(file).href);
