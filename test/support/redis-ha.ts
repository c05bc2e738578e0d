/**
 * Real Redis Cluster and Sentinel sets for tests, started from `redis-server`
 * on free loopback ports under a temp dir and stopped after (never the shared
 * Redis on 6379). Cluster: three masters joined by `redis-cli --cluster
 * create`. Sentinel: a master, a replica and one sentinel (quorum 1).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

const run = promisify(execFile);

async function portFree(port: number): Promise<boolean> {
  const srv = createServer();
  return new Promise((resolve) => {
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** `count` free ports (and, for Cluster, their bus ports +10000), from a random base. */
export async function freePorts(count: number, withBus = false): Promise<number[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const ports = Array.from({ length: count }, (_, i) => base + i);
    let ok = true;
    for (const p of ports) if (!(await portFree(p)) || (withBus && !(await portFree(p + 10_000)))) ok = false;
    if (ok) return ports;
  }
  throw new Error('no free ports for the test Redis set');
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (let i = 0; i < 10_000; i++) {
    if (await check().catch(() => false)) return;
    if (Date.now() > end) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function ask(port: number, ...cmd: string[]): Promise<string> {
  const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return String(await c.call(cmd[0]!, ...cmd.slice(1)));
  } finally {
    c.disconnect();
  }
}

export interface RedisSet {
  /** Host:port list as the REDIS_CLUSTER_NODES / REDIS_SENTINELS variables take it. */
  readonly nodes: string;
  readonly ports: number[];
  /** Sentinel only: the master's name, and its data port now. */
  readonly masterName?: string;
  masterPort?(): Promise<number>;
  /** SIGKILL one server by port (fault tests). */
  kill(port: number): Promise<void>;
  stop(): Promise<void>;
}

function starter(dir: string) {
  const children = new Map<number, ChildProcess>();
  let logs = '';
  const start = (port: number, args: string[]) => {
    const child = spawn('redis-server', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (logs = (logs + String(d)).slice(-20_000)));
    child.stderr!.on('data', (d) => (logs = (logs + String(d)).slice(-20_000)));
    child.once('error', (e) => (logs += `\nspawn failed: ${e.message}`));
    children.set(port, child);
  };
  const kill = async (port: number) => {
    const c = children.get(port);
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = once(c, 'exit');
    c.kill('SIGKILL');
    await gone;
  };
  const stop = async () => {
    await Promise.all(
      [...children.values()].map(async (c) => {
        if (c.exitCode !== null || c.signalCode !== null) return;
        const gone = once(c, 'exit');
        c.kill('SIGTERM');
        const t = setTimeout(() => c.kill('SIGKILL'), 3000);
        await gone;
        clearTimeout(t);
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  return { start, kill, stop, logs: () => logs };
}

const BASE = (port: number, dir: string) => ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'];

export async function startCluster(masters = 3): Promise<RedisSet> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'duban-cluster-'));
  const s = starter(dir);
  const ports = await freePorts(masters, true);
  try {
    for (const p of ports) {
      const nodeDir = path.join(dir, String(p));
      rmSync(nodeDir, { recursive: true, force: true });
      await run('mkdir', ['-p', nodeDir]);
      s.start(p, [...BASE(p, nodeDir), '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '3000']);
    }
    for (const p of ports) await waitUntil(`redis-server on ${p}`, async () => (await ask(p, 'PING')) === 'PONG');
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
    for (const p of ports) await waitUntil(`cluster state ok on ${p}`, async () => (await ask(p, 'CLUSTER', 'INFO')).includes('cluster_state:ok'));
  } catch (e) {
    const logs = s.logs();
    await s.stop();
    throw new Error(`could not start a Redis Cluster: ${(e as Error).message}\n${logs}`);
  }
  return { nodes: ports.map((p) => `127.0.0.1:${p}`).join(','), ports, kill: s.kill, stop: s.stop };
}

export async function startSentinelSet(masterName = 'duban-test'): Promise<RedisSet> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'duban-sentinel-'));
  const s = starter(dir);
  const [master, replica, sentinel] = await freePorts(3);
  try {
    s.start(master!, BASE(master!, dir).concat(['--dbfilename', 'master.rdb']));
    s.start(replica!, BASE(replica!, dir).concat(['--dbfilename', 'replica.rdb', '--replicaof', '127.0.0.1', String(master)]));
    const conf = path.join(dir, 'sentinel.conf');
    // Sentinel rewrites its config file, so it lives in the temp dir.
    writeFileSync(
      conf,
      [
        `port ${sentinel}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${masterName} 127.0.0.1 ${master} 1`,
        `sentinel down-after-milliseconds ${masterName} 1000`,
        `sentinel failover-timeout ${masterName} 5000`,
        `sentinel parallel-syncs ${masterName} 1`,
        '',
      ].join('\n'),
    );
    s.start(sentinel!, [conf, '--sentinel']);
    await waitUntil('replica in sync', async () => (await ask(replica!, 'INFO', 'replication')).includes('master_link_status:up'));
    await waitUntil('sentinel sees the master', async () => (await ask(sentinel!, 'SENTINEL', 'get-master-addr-by-name', masterName)).includes(String(master)));
    await waitUntil('sentinel sees the replica', async () => (await ask(sentinel!, 'SENTINEL', 'replicas', masterName)).includes(String(replica)));
  } catch (e) {
    const logs = s.logs();
    await s.stop();
    throw new Error(`could not start a Redis Sentinel set: ${(e as Error).message}\n${logs}`);
  }
  return {
    nodes: `127.0.0.1:${sentinel}`,
    ports: [master!, replica!, sentinel!],
    masterName,
    async masterPort() {
      const c = new Redis({ port: sentinel!, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null });
      c.on('error', () => undefined);
      try {
        const addr = (await c.call('SENTINEL', 'get-master-addr-by-name', masterName)) as string[];
        return Number(addr[1]);
      } finally {
        c.disconnect();
      }
    },
    kill: s.kill,
    stop: s.stop,
  };
}
