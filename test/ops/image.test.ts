/**
 * The production image. Docker cannot build on every machine that runs the
 * tests, so this checks the Dockerfile's stages as written and then lays out
 * the runtime stage by hand: tsc into dist/, a production-only `npm ci`, the
 * seeds, and `node dist/src/main.js` answering a question in the terminal
 * chat with nothing from devDependencies installed.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOwnRedis, type OwnRedis } from '../support/own-redis.js';

const run = promisify(execFile);
const ROOT = path.join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

interface Stage {
  name: string;
  from: string;
  lines: string[];
}

function stages(dockerfile: string): Stage[] {
  const out: Stage[] = [];
  // Join continuation lines, drop comments.
  const lines = dockerfile.replace(/\\\n\s*/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const l of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(l);
    if (from) out.push({ name: from[2] ?? '', from: from[1]!, lines: [] });
    else out.at(-1)?.lines.push(l);
  }
  return out;
}

describe('Dockerfile', () => {
  const all = stages(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'));
  const byName = Object.fromEntries(all.map((s) => [s.name, s]));
  const final = all.at(-1)!;

  it('has a build, a production-dependencies and a runtime stage, all on Node 20', () => {
    expect(all.map((s) => s.name)).toEqual(['build', 'deps', 'runtime']);
    for (const s of all) expect(s.from).toMatch(/^node:20/);
  });

  it('compiles with tsc in the build stage and installs only production dependencies for the runtime', () => {
    expect(byName.build!.lines.join('\n')).toMatch(/RUN node scripts\/build\.mjs/);
    expect(readFileSync(path.join(ROOT, 'scripts/build.mjs'), 'utf8')).toMatch(/typescript\/bin\/tsc/);
    expect(byName.deps!.lines.join('\n')).toMatch(/npm ci --omit=dev/);
    const copies = final.lines.filter((l) => /^COPY/i.test(l));
    expect(copies).toContain('COPY --from=deps /app/node_modules node_modules');
    expect(copies).toContain('COPY --from=build /app/dist dist');
    // No sources, no full install, no tsx in the runtime.
    expect(copies.some((l) => /\bsrc\b|handlers|jobs/.test(l.replace('/app/dist dist', '')))).toBe(false);
    expect(final.lines.some((l) => /npm (ci|install)/.test(l))).toBe(false);
  });

  it('runs as the unprivileged node user, with a HEALTHCHECK on /healthz and node on dist/src/main.js', () => {
    const user = final.lines.filter((l) => /^USER\s/i.test(l)).at(-1);
    expect(user).toBe('USER node');
    const health = final.lines.find((l) => /^HEALTHCHECK/i.test(l));
    expect(health).toMatch(/\/healthz/);
    const cmd = final.lines.find((l) => /^CMD/i.test(l))!;
    expect(JSON.parse(cmd.replace(/^CMD\s+/i, ''))).toEqual(['node', '--max-semi-space-size=2', 'dist/src/main.js']);
    expect(cmd).not.toMatch(/tsx/);
  });

  it('keeps tsx and the search-comparison libraries out of the production dependencies', () => {
    for (const dev of ['tsx', 'typescript', 'vitest', 'minisearch', '@node-rs/jieba']) {
      expect(pkg.dependencies).not.toHaveProperty(dev);
      expect(pkg.devDependencies).toHaveProperty(dev);
    }
  });
});

describe('the runtime stage, laid out without Docker', () => {
  let dir: string;
  let redis: OwnRedis;
  beforeAll(async () => {
    // The bot writes its production keys: a Redis of its own, not the shared test one.
    redis = await startOwnRedis('image');
    dir = mkdtempSync(path.join(os.tmpdir(), 'duban-image-'));
    // Stage "build": tsc, as scripts/build.mjs runs it, into this directory.
    await run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(dir, 'dist')], { timeout: 300_000 });
    // Stage "deps": production dependencies only.
    for (const f of ['package.json', 'package-lock.json']) cpSync(path.join(ROOT, f), path.join(dir, f));
    await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir, timeout: 300_000 });
    cpSync(path.join(ROOT, 'seeds'), path.join(dir, 'seeds'), { recursive: true });
  }, 600_000);
  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await redis?.stop();
  });

  it('has no development dependency installed', () => {
    // Two dev packages also arrive through production ones and are never loaded at run time:
    // @types/node (protobufjs, fast-csv) and typescript (a peer of valibot, under bull-board).
    const arrivesAnyway = new Set(['@types/node', 'typescript']);
    for (const dev of Object.keys(pkg.devDependencies).filter((d) => !arrivesAnyway.has(d))) expect(existsSync(path.join(dir, 'node_modules', dev)), dev).toBe(false);
    expect(existsSync(path.join(dir, 'node_modules', 'bullmq'))).toBe(true);
  });

  it('node dist/src/main.js starts and answers a question in the terminal chat', async () => {
    const child = spawn(process.execPath, ['--max-semi-space-size=2', 'dist/src/main.js'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', REDIS_URL: redis.url, REDIS_AUTOSTART: 'false', NODE_ENV: 'production', DATA_DIR: path.join(redis.dir, 'data') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.stdin!.end('减税降费谁牵头\n');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('牵头单位：县税务局');
  }, 60_000);

  it('the compiled CLI answers from the bundled seeds', async () => {
    const { stdout } = await run(process.execPath, ['dist/src/cli.js', 'ask', '--json', '减税降费谁牵头'], { cwd: dir, env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', REDIS_URL: redis.url, REDIS_AUTOSTART: 'false' } });
    const answer = JSON.parse(stdout) as { answers: Array<{ leads: string[] }> };
    expect(answer.answers[0]?.leads).toContain('县税务局');
  }, 60_000);
});
