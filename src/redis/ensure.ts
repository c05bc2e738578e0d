import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import { redactUrl, type Logger } from '../log.js';

/**
 * Finds a Redis for the bot and its tests, in this order:
 *   1. `url` (REDIS_URL) when given: it must answer PING, else RedisUnavailableError;
 *   2. `localUrl` (127.0.0.1:6379) when it answers PING within ~1 s;
 *   3. a `redis-server` child process (when allowed and on PATH), data in `dataDir`, AOF on;
 *   4. otherwise a one-line hint on how to get Redis.
 */

export const DEFAULT_LOCAL_URL = 'redis://127.0.0.1:6379';

/** One line, Chinese, with the commands that get a Redis. */
export function redisHint(localUrl = DEFAULT_LOCAL_URL, why = '本机也没有可启动的 redis-server'): string {
  const where = localUrl.replace(/^redis:\/\//, '');
  return (
    `未找到可用的 Redis（${where} 无响应，${why}）。请安装后重试：` +
    'apt-get install redis-server（Debian/Ubuntu）、brew install redis（macOS），' +
    '或在项目目录运行 docker compose up -d redis；已有 Redis 的请设置 REDIS_URL=redis://主机:端口。'
  );
}

export const REDIS_HINT = redisHint();

export interface EnsureRedisOptions {
  /** REDIS_URL; when set it is the only candidate. */
  url?: string | undefined;
  /** Where a spawned server keeps its AOF (created if missing). */
  dataDir: string;
  log: Logger;
  /** May we start a redis-server child? */
  allowSpawn: boolean;
  /** The address probed when `url` is unset. Default 127.0.0.1:6379; its port is also the preferred spawn port. */
  localUrl?: string;
  /** PATH to search for redis-server (default process.env.PATH). */
  searchPath?: string;
  /** Extra redis-server arguments (appended after ours). */
  extraArgs?: string[];
  /** PING budget per probe. */
  probeTimeoutMs?: number;
  /** How long a spawned server may take to answer. */
  startTimeoutMs?: number;
}

export interface RedisFound {
  url: string;
  /** True when this call started a redis-server child. */
  spawned: boolean;
  /** Pid of the spawned child (only when spawned). */
  pid?: number;
  /** Stops a spawned child (graceful, then SIGKILL); a no-op otherwise. Idempotent. */
  stop(): Promise<void>;
}

export interface RedisMissing {
  url: undefined;
  hint: string;
}

export class RedisUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisUnavailableError';
  }
}

export type PingResult = { ok: true } | { ok: false; error: string };

/** One PING with a hard time budget; the probe connection is always closed. */
export async function pingRedis(url: string, timeoutMs = 1000): Promise<PingResult> {
  let lastError: string | undefined;
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    reconnectOnError: () => false,
    // ioredis arms this timer even when the socket is already gone; it would hold the process open for 2 s.
    disconnectTimeout: 100,
  });
  probe.on('error', (err: Error) => {
    lastError = err.message;
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const attempt = (async () => {
      await probe.connect();
      return probe.ping();
    })();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs + 250);
    });
    const pong = await Promise.race([attempt, timeout]);
    attempt.catch(() => {});
    return pong === 'PONG' ? { ok: true } : { ok: false, error: `unexpected reply ${String(pong)}` };
  } catch (err) {
    const msg = (err as Error).message;
    // ioredis reports "Connection is closed." once retries are off; the socket error says why.
    return { ok: false, error: lastError && /closed/i.test(msg) ? lastError : msg };
  } finally {
    clearTimeout(timer);
    probe.disconnect();
  }
}

/** Absolute path of an executable on `searchPath`, if any. */
export function findOnPath(bin: string, searchPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, bin);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True if `p` settles within `ms`; the timer never outlives the race (it would hold the process open). */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => {
    timer = setTimeout(() => r(false), ms);
  });
  try {
    return await Promise.race([p.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  return !isAlive(pid);
}

/** Who owns the server in a data dir; lets the next start clean up after a parent killed with SIGKILL. */
interface OwnerRecord {
  redisPid: number;
  parentPid: number;
  port: number;
}
const OWNER_FILE = 'duban-redis-owner.json';

async function readOwner(dataDir: string): Promise<OwnerRecord | undefined> {
  try {
    const rec = JSON.parse(await readFile(path.join(dataDir, OWNER_FILE), 'utf8')) as Partial<OwnerRecord>;
    if (typeof rec.redisPid === 'number' && typeof rec.parentPid === 'number' && typeof rec.port === 'number') {
      return rec as OwnerRecord;
    }
  } catch {
    // absent or unreadable: nobody owns it
  }
  return undefined;
}

/**
 * Two servers appending to one AOF would corrupt it. A live server from an
 * earlier run whose parent is gone is an orphan of ours: stop it. One whose
 * parent still runs belongs to another process: refuse.
 */
/** The command line of a live process ("" if unknown). Redis sets its title to "redis-server 127.0.0.1:PORT". */
function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    try {
      return execFileSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8', timeout: 2000 });
    } catch {
      return '';
    }
  }
}

/**
 * Two servers appending to one AOF would corrupt it. A live server from an
 * earlier run whose parent is gone is an orphan of ours: stop it. One whose
 * parent still runs belongs to another process (or to this one): refuse.
 * Pids get reused (containers restart with the same ones), so a recorded pid
 * only counts while its command line is still that redis-server.
 */
async function reclaimDataDir(dataDir: string, log: Logger): Promise<void> {
  const owner = await readOwner(dataDir);
  if (!owner || !isAlive(owner.redisPid)) return;
  const cmd = commandLine(owner.redisPid);
  if (!cmd.includes('redis-server') || !cmd.includes(String(owner.port))) return;
  if (owner.parentPid === process.pid || (isAlive(owner.parentPid) && /node|tsx/.test(commandLine(owner.parentPid)))) {
    throw new RedisUnavailableError(
      `数据目录 ${dataDir} 正被进程 ${owner.parentPid} 启动的 Redis（pid ${owner.redisPid}，端口 ${owner.port}）使用；` +
        `请先停止那个进程，或设置 REDIS_URL=redis://127.0.0.1:${owner.port} 共用它。`,
    );
  }
  log.warn({ redisPid: owner.redisPid, port: owner.port, dataDir }, 'stopping orphaned redis-server left by an earlier run');
  try {
    process.kill(owner.redisPid, 'SIGTERM');
  } catch {
    return;
  }
  if (!(await waitForExit(owner.redisPid, 5000))) {
    try {
      process.kill(owner.redisPid, 'SIGKILL');
    } catch {
      // already gone
    }
    await waitForExit(owner.redisPid, 2000);
  }
}

// Children started by this process; killed synchronously on exit and on SIGINT/SIGTERM.
const children = new Set<ChildProcess>();
let hooksInstalled = false;

function killAllChildren(): void {
  for (const child of children) {
    try {
      child.kill('SIGTERM');
    } catch {
      // already gone
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  // A listener disables Node's default "exit on signal". When the application
  // has its own handler, it owns shutdown (drain workers, then stop() or
  // process.exit(), which fires the exit hook); killing Redis here would pull
  // it out from under that. Otherwise kill the children and restore the default.
  if (process.listenerCount(signal) > 1) return;
  killAllChildren();
  process.removeListener(signal, onSignal);
  process.kill(process.pid, signal);
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllChildren);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
}

function removeExitHooksIfIdle(): void {
  if (!hooksInstalled || children.size > 0) return;
  hooksInstalled = false;
  process.removeListener('exit', killAllChildren);
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  process.removeListener('SIGHUP', onSignal);
}

async function spawnRedis(
  bin: string,
  port: number,
  dataDir: string,
  opts: EnsureRedisOptions,
): Promise<RedisFound | { failed: string }> {
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dataDir,
    '--appendonly', 'yes',
    '--save', '',
    '--daemonize', 'no',
    '--maxmemory-policy', 'noeviction',
    ...(opts.extraArgs ?? []),
  ];
  // Own process group: a terminal Ctrl-C reaches only us, so the app can shut
  // down against a live Redis and stop it last. Unref'd: a program that forgets
  // stop() still exits, and the exit hook then kills the child.
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.unref();
  const tail: string[] = [];
  const keep = (buf: Buffer) => {
    for (const line of buf.toString('utf8').split('\n')) {
      if (line.trim()) tail.push(line.trim());
    }
    tail.splice(0, Math.max(0, tail.length - 15));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  for (const stream of [child.stdout, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
  let exited: string | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = signal ? `signal ${signal}` : `code ${code}`;
      children.delete(child);
      resolve();
    });
    child.once('error', (err) => {
      exited = err.message;
      children.delete(child);
      resolve();
    });
  });
  children.add(child);
  installExitHooks();

  const url = `redis://127.0.0.1:${port}`;
  const until = Date.now() + (opts.startTimeoutMs ?? 10_000);
  let answered = false;
  while (Date.now() < until && exited === undefined) {
    if ((await pingRedis(url, 500)).ok) {
      answered = true;
      break;
    }
    await sleep(100);
  }
  if (!answered) {
    if (exited === undefined) {
      child.kill('SIGKILL');
      await exitPromise;
    }
    removeExitHooksIfIdle();
    return { failed: `redis-server on port ${port} did not start (${exited ?? 'timeout'}): ${tail.slice(-3).join(' | ')}` };
  }

  const pid = child.pid!;
  await writeFile(
    path.join(dataDir, OWNER_FILE),
    JSON.stringify({ redisPid: pid, parentPid: process.pid, port } satisfies OwnerRecord),
  );
  let stopping = false;
  let stopped: Promise<void> | undefined;
  child.once('exit', () => {
    if (!stopping) opts.log.error({ redisPid: pid, port, exit: exited, output: tail.slice(-5) }, 'spawned redis-server exited unexpectedly');
  });
  const stop = () => {
    stopped ??= (async () => {
      stopping = true;
      if (exited === undefined) {
        child.kill('SIGTERM'); // redis fsyncs the AOF and exits
        const graceful = await settlesWithin(exitPromise, 5000);
        if (!graceful) {
          child.kill('SIGKILL');
          await exitPromise;
        }
      }
      removeExitHooksIfIdle();
      await rm(path.join(dataDir, OWNER_FILE), { force: true });
      opts.log.info({ redisPid: pid, port }, 'stopped spawned redis-server');
    })();
    return stopped;
  };
  return { url, spawned: true, pid, stop };
}

export async function ensureRedis(opts: EnsureRedisOptions): Promise<RedisFound | RedisMissing> {
  const { log } = opts;
  const probeMs = opts.probeTimeoutMs ?? 1000;
  const noop = async () => {};

  if (opts.url) {
    const r = await pingRedis(opts.url, Math.max(probeMs, 2000));
    if (!r.ok) {
      throw new RedisUnavailableError(
        `REDIS_URL=${redactUrl(opts.url)} 无法连接（${r.error}）。请确认 Redis 已启动且地址、端口、密码正确，或删掉 REDIS_URL 让程序自动寻找/启动本机 Redis。`,
      );
    }
    log.info({ url: redactUrl(opts.url) }, 'using redis from REDIS_URL');
    return { url: opts.url, spawned: false, stop: noop };
  }

  const localUrl = opts.localUrl ?? DEFAULT_LOCAL_URL;
  const local = await pingRedis(localUrl, probeMs);
  if (local.ok) {
    log.info({ url: redactUrl(localUrl) }, 'using local redis');
    return { url: localUrl, spawned: false, stop: noop };
  }
  log.debug({ url: redactUrl(localUrl), error: local.error }, 'local redis did not answer');

  if (!opts.allowSpawn) return { url: undefined, hint: redisHint(localUrl, '且已设置不自动启动 redis-server（REDIS_AUTOSTART=false）') };
  const bin = findOnPath('redis-server', opts.searchPath);
  if (!bin) return { url: undefined, hint: redisHint(localUrl) };

  const dataDir = path.resolve(opts.dataDir);
  await mkdir(dataDir, { recursive: true });
  await reclaimDataDir(dataDir, log);

  const preferred = Number(new URL(localUrl).port || 6379);
  const failures: string[] = [];
  // Second attempt covers the race where the port is taken between check and bind.
  for (let attempt = 0; attempt < 2; attempt++) {
    const port = attempt === 0 && (await portIsFree(preferred)) ? preferred : await freePort();
    const started = await spawnRedis(bin, port, dataDir, opts);
    if ('url' in started) {
      log.info({ url: started.url, redisPid: started.pid, dataDir, bin }, 'started redis-server child (append-only on)');
      return started;
    }
    failures.push(started.failed);
    log.warn({ reason: started.failed }, 'redis-server child failed to start');
  }
  return { url: undefined, hint: redisHint(localUrl, `本机 redis-server 启动失败：${failures.at(-1)}`) };
}
