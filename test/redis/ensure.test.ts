import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import {
  ensureRedis,
  findOnPath,
  pingRedis,
  RedisUnavailableError,
  type RedisFound,
} from '../../src/redis/ensure.js';
import { testRedisUrl } from '../support/redis.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmpDirs: string[] = [];
const toStop: Array<() => Promise<void>> = [];

async function tmpDir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'duban-ensure-'));
  tmpDirs.push(d);
  return d;
}

/** A URL nothing listens on: bind an ephemeral port, then release it. */
async function deadUrl(): Promise<string> {
  const port = await new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
  return `redis://127.0.0.1:${port}`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls (bounded) until the process is gone; returns whether it went. */
async function gone(pid: number, ms = 8000): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; ) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}

function spawned(r: Awaited<ReturnType<typeof ensureRedis>>): RedisFound {
  if (r.url === undefined) throw new Error(`expected a Redis, got hint: ${r.hint}`);
  toStop.push(r.stop);
  return r;
}

afterEach(async () => {
  await Promise.all(toStop.splice(0).map((s) => s()));
});
afterAll(async () => {
  await Promise.all(tmpDirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('ensureRedis', () => {
  it('uses a local Redis that answers, without spawning anything', async () => {
    const log = silentLogger();
    const r = await ensureRedis({ localUrl: testRedisUrl(), dataDir: await tmpDir(), log, allowSpawn: true });
    expect(r).toMatchObject({ url: testRedisUrl(), spawned: false });
  });

  it('uses REDIS_URL when it answers', async () => {
    const r = await ensureRedis({ url: testRedisUrl(), dataDir: await tmpDir(), log: silentLogger(), allowSpawn: true });
    expect(r).toMatchObject({ url: testRedisUrl(), spawned: false });
  });

  it('rejects a REDIS_URL that does not answer, naming it (password masked) instead of silently spawning', async () => {
    const url = (await deadUrl()).replace('redis://', 'redis://:hunter2@');
    const err = await ensureRedis({ url, dataDir: await tmpDir(), log: silentLogger(), allowSpawn: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RedisUnavailableError);
    const msg = (err as Error).message;
    expect(msg).toContain(url.replace(':hunter2@', ':***@'));
    expect(msg).not.toContain('hunter2');
    expect(msg).toContain('REDIS_URL');
  });

  it('returns a one-line hint with install commands when spawning is not allowed', async () => {
    const r = await ensureRedis({ localUrl: await deadUrl(), dataDir: await tmpDir(), log: silentLogger(), allowSpawn: false });
    expect(r.url).toBeUndefined();
    const hint = (r as { hint: string }).hint;
    expect(hint).not.toContain('\n');
    for (const cmd of ['apt-get install redis-server', 'brew install redis', 'docker compose up -d redis']) {
      expect(hint).toContain(cmd);
    }
  });

  it('returns the hint when no redis-server is on PATH', async () => {
    const emptyBin = await tmpDir();
    const r = await ensureRedis({
      localUrl: await deadUrl(),
      dataDir: await tmpDir(),
      log: silentLogger(),
      allowSpawn: true,
      searchPath: emptyBin,
    });
    expect(r.url).toBeUndefined();
    expect((r as { hint: string }).hint).toContain('apt-get install redis-server');
  });

  describe('spawning redis-server', () => {
    it('has redis-server on PATH (the spawn tests below need it; .ci/run installs it)', () => {
      expect(findOnPath('redis-server'), 'redis-server 不在 PATH 上：apt-get install redis-server').toBeTruthy();
    });

    it('starts a child with append-only persistence in the data dir, and stop() ends it', async () => {
      const dataDir = await tmpDir();
      const log = silentLogger();
      const r = spawned(await ensureRedis({ localUrl: await deadUrl(), dataDir, log, allowSpawn: true }));
      expect(r.spawned).toBe(true);
      expect(r.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
      expect(r.url).not.toBe('redis://127.0.0.1:6379'); // 6379 is taken or was the dead probe's port

      const c = new Redis(r.url);
      await c.set('k', 'v');
      expect(await c.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await c.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      await c.quit();
      const aofDir = path.join(dataDir, 'appendonlydir');
      expect(readdirSync(aofDir).some((f) => f.endsWith('.aof'))).toBe(true);
      expect(log.lines.some((l) => l.msg === 'started redis-server child (append-only on)')).toBe(true);

      await r.stop();
      expect(await gone(r.pid!)).toBe(true);
      expect((await pingRedis(r.url, 500)).ok).toBe(false);
      await r.stop(); // idempotent
    });

    it('keeps data across a stop and a new start on the same data dir', async () => {
      const dataDir = await tmpDir();
      const first = spawned(await ensureRedis({ localUrl: await deadUrl(), dataDir, log: silentLogger(), allowSpawn: true }));
      const a = new Redis(first.url);
      await a.set('ledger:demo', '减税降费');
      await a.quit();
      await first.stop();

      const second = spawned(await ensureRedis({ localUrl: await deadUrl(), dataDir, log: silentLogger(), allowSpawn: true }));
      const b = new Redis(second.url);
      expect(await b.get('ledger:demo')).toBe('减税降费');
      await b.quit();
    });

    it('kills the child when the parent process is terminated', async () => {
      const child = await startParent(await tmpDir());
      child.proc.kill('SIGTERM');
      expect(await gone(child.redisPid)).toBe(true);
      expect(await gone(child.proc.pid!)).toBe(true);
    });

    it('kills the child when a program ends without calling stop()', async () => {
      const child = await startParent(await tmpDir(), '/* nothing left to do: the process should exit */');
      expect(await gone(child.proc.pid!)).toBe(true);
      expect(await gone(child.redisPid)).toBe(true);
    });

    it('leaves Redis up while an application with its own SIGTERM handler shuts down, then kills it on exit', async () => {
      const child = await startParent(
        await tmpDir(),
        `const { pingRedis } = await import(${JSON.stringify(new URL('../../src/redis/ensure.ts', import.meta.url).href)});
process.on('SIGTERM', async () => {
  console.log('shutdown-ping:' + (await pingRedis(r.url)).ok);
  process.exit(0);
});
console.log('armed');
setInterval(() => {}, 1000);`,
      );
      for (let i = 0; i < 200 && !child.lines.includes('armed'); i++) await new Promise((r) => setTimeout(r, 50));
      child.proc.kill('SIGTERM');
      expect(await gone(child.proc.pid!)).toBe(true);
      expect(child.lines).toContain('shutdown-ping:true');
      expect(await gone(child.redisPid)).toBe(true);
    });

    it('reclaims the data dir from an orphan left by a parent killed with SIGKILL', async () => {
      const dataDir = await tmpDir();
      const orphan = await startParent(dataDir);
      orphan.proc.kill('SIGKILL');
      expect(await gone(orphan.proc.pid!)).toBe(true);
      expect(alive(orphan.redisPid)).toBe(true); // SIGKILL leaves no chance to clean up

      const log = silentLogger();
      const r = spawned(await ensureRedis({ localUrl: await deadUrl(), dataDir, log, allowSpawn: true }));
      expect(await gone(orphan.redisPid)).toBe(true);
      expect((await pingRedis(r.url)).ok).toBe(true);
      expect(log.lines.some((l) => l.msg === 'stopping orphaned redis-server left by an earlier run')).toBe(true);
    });

    it('refuses to start a second server on a data dir this process already serves', async () => {
      const dataDir = await tmpDir();
      const first = spawned(await ensureRedis({ localUrl: await deadUrl(), dataDir, log: silentLogger(), allowSpawn: true }));
      await expect(
        ensureRedis({ localUrl: await deadUrl(), dataDir, log: silentLogger(), allowSpawn: true }),
      ).rejects.toBeInstanceOf(RedisUnavailableError);
      expect((await pingRedis(first.url)).ok).toBe(true);
    });

    it('never kills an unrelated process that reuses a pid recorded in a stale owner file', async () => {
      const dataDir = await tmpDir();
      const bystander = spawn('sleep', ['30'], { stdio: 'ignore' });
      toStop.push(async () => void bystander.kill('SIGKILL'));
      await writeFile(
        path.join(dataDir, 'duban-redis-owner.json'),
        JSON.stringify({ redisPid: bystander.pid, parentPid: 999_999, port: 6380 }),
      );
      const r = spawned(await ensureRedis({ localUrl: await deadUrl(), dataDir, log: silentLogger(), allowSpawn: true }));
      expect((await pingRedis(r.url)).ok).toBe(true);
      expect(alive(bystander.pid!)).toBe(true);
    });

    it('refuses a data dir whose server belongs to another live process', async () => {
      const dataDir = await tmpDir();
      const other = await startParent(dataDir);
      try {
        const err = await ensureRedis({ localUrl: await deadUrl(), dataDir, log: silentLogger(), allowSpawn: true }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(RedisUnavailableError);
        expect((err as Error).message).toContain(String(other.proc.pid));
        expect(alive(other.redisPid)).toBe(true);
      } finally {
        other.proc.kill('SIGTERM');
        await gone(other.redisPid);
      }
    });
  });
});

/** Runs ensureRedis in a separate Node process (one process: node --import tsx) and reads the child's pid. */
async function startParent(dataDir: string, after = 'setInterval(() => {}, 1000);') {
  const script = path.join(await tmpDir(), 'parent.mts');
  const ensureUrl = new URL('../../src/redis/ensure.ts', import.meta.url).href;
  const logUrl = new URL('../../src/log.ts', import.meta.url).href;
  await writeFile(
    script,
    `import { ensureRedis } from ${JSON.stringify(ensureUrl)};
import { silentLogger } from ${JSON.stringify(logUrl)};
const r = await ensureRedis({ localUrl: ${JSON.stringify(await deadUrl())}, dataDir: ${JSON.stringify(dataDir)}, log: silentLogger(), allowSpawn: true });
if (r.url === undefined) { console.error(r.hint); process.exit(3); }
console.log(JSON.stringify({ pid: r.pid }));
${after}
`,
  );
  const proc = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let errText = '';
  proc.stderr.on('data', (b: Buffer) => (errText += b.toString()));
  const lines: string[] = [];
  proc.stdout.on('data', (b: Buffer) => lines.push(...b.toString().split('\n').filter(Boolean)));
  const redisPid = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`parent did not report a pid: ${errText}`)), 15_000);
    proc.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { pid: number }).pid);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`parent exited (${code}): ${errText}`));
    });
  });
  toStop.push(async () => {
    if (alive(proc.pid!)) proc.kill('SIGKILL');
    if (alive(redisPid)) process.kill(redisPid, 'SIGKILL');
  });
  expect(existsSync(dataDir)).toBe(true);
  return { proc, redisPid, lines };
}
