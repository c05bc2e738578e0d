/**
 * Start-up and footprint of the commands people type, beside raw baselines
 * measured the same way on the same machine at the same time:
 *   - `node -e 0` (Node's own start) and `npm -v` (npm's own start);
 *   - `echo 问题 | npm start` and one `npm run cli` call, compiled (dist/, as
 *     npm start runs it when fresh) and, for comparison, through tsx;
 *   - peak memory (maxRSS) of a question with the bundled plans and with
 *     1,000 generated plans (20,000 tasks).
 * Wall times are medians of several runs; the machine's load is printed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatePlan } from './gen-plans.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const QUESTION = '减税降费谁牵头\n';
const seeds = readdirSync(path.join(root, 'seeds'))
  .filter((f) => f.endsWith('.txt'))
  .map((f) => path.join('seeds', f));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Wall time of one run (ms); throws when the command fails or does not answer. */
function once(cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; expect?: string } = {}): { ms: number; stderr: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: root, input: opts.input ?? '', env: { ...process.env, ...opts.env }, encoding: 'utf8', timeout: 120_000 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  if (opts.expect && !r.stdout.includes(opts.expect)) throw new Error(`${cmd} ${args.join(' ')} did not answer: ${r.stdout.slice(0, 300)}`);
  return { ms, stderr: r.stderr };
}

function timed(label: string, cmd: string, args: string[], opts: Parameters<typeof once>[2] = {}, runs = 5): number {
  once(cmd, args, opts); // warm the file cache
  const ms = median(Array.from({ length: runs }, () => once(cmd, args, opts).ms));
  console.log(`${label.padEnd(58)} ${(ms / 1000).toFixed(2)} s`);
  return ms;
}

/** Peak RSS (MB) of the app answering one question, read by a preloaded exit hook in the app's own process. */
function peakMb(args: string[], env: NodeJS.ProcessEnv, hook: string): number {
  const { stderr } = once(process.execPath, ['--import', hook, ...args], { input: QUESTION, env, expect: '牵头' });
  const kb = Number(/MAXRSS (\d+)/.exec(stderr)?.[1]);
  return kb / 1024;
}

export default async function bench(): Promise<void> {
  console.log(`load average: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  // npm start runs dist/ when it is fresh: build it as `npm ci` would.
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) throw new Error('npm run build failed');
  const env = { LOG_LEVEL: 'silent' };

  const node0 = timed('baseline: node -e 0', process.execPath, ['-e', '0']);
  const npm0 = timed('baseline: npm -v', 'npm', ['-v']);
  const start = timed('echo 问题 | npm start (compiled dist/)', 'npm', ['start', '--silent'], { input: QUESTION, env, expect: '牵头' });
  const tsx = timed('echo 问题 | node --import tsx src/main.ts (before: tsx)', process.execPath, ['--import', 'tsx', 'src/main.ts'], { input: QUESTION, env, expect: '牵头' }, 3);
  const cli = timed('npm run -s cli -- ask --plan seeds/*.txt 问题', 'npm', ['run', '-s', 'cli', '--', 'ask', '--plan', ...seeds, '减税降费谁牵头'], { expect: '牵头' });
  console.log(
    `npm start = ${(start / node0).toFixed(1)}× node -e 0, ${(start - npm0) / 1000 > 0 ? ((start - npm0) / 1000).toFixed(2) : '0'} s beyond npm's own start; tsx path ${(tsx / start).toFixed(1)}× slower; cli = ${(cli / node0).toFixed(1)}× node -e 0 (target: under 0.5 s on an idle machine)`,
  );

  const dir = mkdtempSync(path.join(os.tmpdir(), 'duban-startup-'));
  try {
    const hook = path.join(dir, 'maxrss.mjs');
    writeFileSync(hook, "process.on('exit', () => process.stderr.write('MAXRSS ' + process.resourceUsage().maxRSS + '\\n'));\n");
    const plans = path.join(dir, 'plans');
    rmSync(plans, { recursive: true, force: true });
    spawnSync('mkdir', ['-p', plans]);
    for (let i = 0; i < 1000; i++) writeFileSync(path.join(plans, `plan-${String(i).padStart(4, '0')}.txt`), generatePlan(i + 1));
    const launch = ['--max-semi-space-size=2', 'scripts/launch.mjs', 'main'];
    const bare = ['--import', hook, '-e', '0'];
    const nodeMb = Number(/MAXRSS (\d+)/.exec(spawnSync(process.execPath, bare, { encoding: 'utf8' }).stderr)?.[1]) / 1024;
    console.log(`${'baseline: node -e 0 peak memory'.padEnd(58)} ${nodeMb.toFixed(0)} MB`);
    console.log(`${'peak memory, bundled plans (5 files, as npm start)'.padEnd(58)} ${peakMb(launch, env, hook).toFixed(0)} MB`);
    const many = { ...env, PLAN_FILES: path.join(plans, '*.txt') };
    console.log(`${'peak memory, 1,000 plans / 20,000 tasks (as npm start)'.padEnd(58)} ${peakMb(launch, many, hook).toFixed(0)} MB (target < 250 MB)`);
    console.log(`${'  same without --max-semi-space-size=2'.padEnd(58)} ${peakMb(launch.slice(1), many, hook).toFixed(0)} MB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
