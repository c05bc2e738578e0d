/**
 * The fault suite's parts: the real bot (`node --import tsx src/main.ts`, or
 * `npm start`) in its own process group, talking to the fake Lark in this
 * process over loopback, on the shared test Redis or on a redis-server of the
 * test's own (a port and directory of its own, so it can be killed and
 * restarted). Every wait is bounded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { testRedisUrl } from '../support/redis.js';

export const ROOT = join(import.meta.dirname, '..', '..');

export async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll `check` every `everyMs` until it is true or `timeoutMs` passes; returns whether it became true. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(everyMs);
  }
  return check();
}

export interface BotProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly url: string;
  /** Everything it wrote to stderr (JSON log lines). */
  readonly stderr: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>;
  kill9(): Promise<void>;
  /** SIGTERM to the whole process group (what a terminal's Ctrl-C or a supervisor does to `npm start`). */
  termGroup(): void;
  /** Resolves with the time (ms) when no process of the group is left (npm may exit before the bot it started). */
  groupGone(timeoutMs: number): Promise<number | undefined>;
}

export interface BotOptions {
  env: Record<string, string>;
  port?: number;
  /** `npm start` (npm → node) instead of node directly. */
  viaNpm?: boolean;
}

/** Every bot started here, so a failing test cannot leave one running (killAllBots in afterAll). */
const started = new Set<ChildProcess>();

export async function killAllBots(): Promise<void> {
  for (const child of started) {
    // Only a group whose leader we know is still ours (not exited, so its id was not reused).
    if (child.exitCode !== null || child.signalCode !== null) continue;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  started.clear();
}

export async function startBot(opts: BotOptions): Promise<BotProcess> {
  const port = opts.port ?? (await freePort());
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    REDIS_URL: testRedisUrl(),
    REDIS_AUTOSTART: 'false',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    ...opts.env,
  };
  const [cmd, args] = opts.viaNpm ? ['npm', ['start', '--silent']] : [process.execPath, ['--import', 'tsx', 'src/main.ts']];
  // detached: its own process group, so a signal to the group reaches npm and node, as from a terminal.
  const child = spawn(cmd as string, args as string[], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  started.add(child);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    if (err.length > 4_000_000) err = err.slice(-2_000_000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, atMs: Date.now() })),
  );
  const url = `http://127.0.0.1:${port}`;
  const up = await until(async () => {
    if (child.exitCode !== null) return true;
    try {
      return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(500) })).ok;
    } catch {
      return false;
    }
  }, 60_000, 200);
  if (!up || child.exitCode !== null) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    throw new Error(`bot did not start (exit ${child.exitCode}):\n${err.slice(-3000)}`);
  }
  return {
    child,
    port,
    url,
    stderr: () => err,
    exited,
    async kill9() {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      await exited;
    },
    termGroup() {
      process.kill(-child.pid!, 'SIGTERM');
    },
    async groupGone(timeoutMs) {
      const alive = () => {
        try {
          process.kill(-child.pid!, 0);
          return true;
        } catch {
          return false;
        }
      };
      return (await until(() => !alive(), timeoutMs, 20)) ? Date.now() : undefined;
    },
  };
}

/** JSON log lines of a bot's stderr whose `event` is the one given. */
export function logLines(stderr: string, evt: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const line of stderr.split('\n')) {
    if (!line.includes(evt)) continue;
    try {
      const o = JSON.parse(line) as Record<string, unknown>;
      if (o.event === evt) out.push(o);
    } catch {
      // not JSON
    }
  }
  return out;
}

export interface OwnRedis {
  readonly port: number;
  readonly url: string;
  /** kill -9 the server. */
  kill9(): Promise<void>;
  /** Start it again on the same port and directory (same persistence settings). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A redis-server of the test's own: a free port, a temp directory, AOF on or off. */
export async function ownRedis(opts: { aof: boolean }): Promise<OwnRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'duban-fault-redis-'));
  let proc: ChildProcess | undefined;
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--maxmemory-policy', 'noeviction',
    '--appendonly', opts.aof ? 'yes' : 'no', '--appendfsync', 'everysec',
  ];
  const url = `redis://127.0.0.1:${port}`;
  const ping = async () => {
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500 });
    r.on('error', () => undefined);
    try {
      await r.connect();
      return (await r.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      r.disconnect();
    }
  };
  const start = async () => {
    proc = spawn('redis-server', args, { stdio: 'ignore' });
    if (!(await until(ping, 10_000, 50))) throw new Error(`own redis-server on ${port} did not answer`);
  };
  const kill9 = async () => {
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const p = proc;
    const gone = once(p, 'exit');
    p.kill('SIGKILL');
    await gone;
  };
  await start();
  return {
    port,
    url,
    kill9,
    start,
    async stop() {
      await kill9();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

