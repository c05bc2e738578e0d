import { readdir, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { checkDurability, createRedis, openRedis, redisTargetFromConfig } from '../../src/redis/connection.js';
import { ensureRedis, pingRedis, RedisUnavailableError, type RedisFound } from '../../src/redis/ensure.js';
import { testRedisUrl, useTestRedis } from '../support/redis.js';

const t = useTestRedis('connection');

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

describe('createRedis', () => {
  it('gives a BullMQ-ready connection and a plain one that both reach the server', async () => {
    const log = silentLogger();
    const conns = createRedis(testRedisUrl(), { log });
    try {
      await conns.client.set(`${t.prefix}:plain`, '1');
      expect(await conns.queue.get(`${t.prefix}:plain`)).toBe('1');
      // BullMQ rejects a Worker connection unless maxRetriesPerRequest is null.
      expect((conns.queue as Redis).options.maxRetriesPerRequest).toBeNull();
      const queue = new Queue('reminders', { connection: conns.queue, prefix: t.prefix });
      await queue.add('remind', { taskId: 'x' });
      expect(await queue.getWaitingCount()).toBe(1);
      await queue.close();
    } finally {
      await conns.close();
      await conns.close(); // idempotent
    }
    expect(conns.client.status).toBe('end');
    expect(conns.queue.status).toBe('end');
  });

  it('fails plain commands instead of hanging when Redis is gone, and logs the outage once', async () => {
    const log = silentLogger();
    const conns = createRedis(await deadUrl(), { log });
    try {
      await expect(conns.client.get('k')).rejects.toThrow();
      const errors = log.lines.filter((l) => l.msg === 'redis connection error');
      expect(errors.length).toBeGreaterThanOrEqual(1);
      expect(errors.length).toBeLessThanOrEqual(2); // one per client at most, despite many reconnect attempts
    } finally {
      await conns.close();
    }
  });

  it('picks the target from config: REDIS_URL, else the URL ensureRedis found; Sentinel/Cluster when configured', () => {
    expect(redisTargetFromConfig(loadConfig({}).redis, 'redis://127.0.0.1:7000')).toEqual({
      kind: 'standalone',
      url: 'redis://127.0.0.1:7000',
    });
    expect(redisTargetFromConfig(loadConfig({}).redis, undefined)).toBeUndefined();
    expect(redisTargetFromConfig(loadConfig({ REDIS_URL: 'redis://r:6379' }).redis, 'redis://x:1')).toEqual({
      kind: 'standalone',
      url: 'redis://r:6379',
    });
    expect(redisTargetFromConfig(loadConfig({ REDIS_SENTINELS: 's1:26379,s2:26379' }).redis, undefined)).toEqual({
      kind: 'sentinel',
      name: 'mymaster',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
    });
    expect(redisTargetFromConfig(loadConfig({ REDIS_CLUSTER_NODES: 'c1:7000' }).redis, undefined)).toEqual({
      kind: 'cluster',
      nodes: [{ host: 'c1', port: 7000 }],
    });
  });
});

describe('checkDurability', () => {
  // A private server, so changing its CONFIG cannot disturb other test files.
  let server: RedisFound;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'duban-durability-'));
    const r = await ensureRedis({ localUrl: await deadUrl(), dataDir: dir, log: silentLogger(), allowSpawn: true });
    if (r.url === undefined) throw new Error(r.hint);
    server = r;
  });
  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('is quiet for an append-only, noeviction server', async () => {
    const c = new Redis(server.url);
    const log = silentLogger();
    const report = await checkDurability(c, log);
    await c.quit();
    expect(report).toMatchObject({ checked: true, appendonly: 'yes', maxmemoryPolicy: 'noeviction', warnings: [] });
    expect(log.lines.filter((l) => l.level >= 40)).toEqual([]);
  });

  it('warns when persistence is off and when keys may be evicted', async () => {
    const c = new Redis(server.url);
    const log = silentLogger();
    try {
      await c.config('SET', 'appendonly', 'no');
      await c.config('SET', 'save', '');
      await c.config('SET', 'maxmemory-policy', 'allkeys-lru');
      const report = await checkDurability(c, log);
      expect(report.warnings).toHaveLength(3);
      expect(report.aofOff).toBe(true);
      const warned = log.lines.filter((l) => l.level === 40).map((l) => l.msg);
      expect(warned).toEqual(['redis persistence is off', 'redis may evict keys']);
      expect(log.lines.filter((l) => l.level === 50).map((l) => l.event)).toEqual(['redis_aof_off']);
      // An RDB save schedule alone is persistence, but AOF off is still said loudly: a crash loses recent writes.
      await c.config('SET', 'save', '3600 1');
      await c.config('SET', 'maxmemory-policy', 'noeviction');
      const rdbOnly = await checkDurability(c, silentLogger());
      expect(rdbOnly.warnings).toHaveLength(1);
      expect(rdbOnly.aofOff).toBe(true);
      await c.config('SET', 'appendonly', 'yes');
      expect((await checkDurability(c, silentLogger())).warnings).toEqual([]);
    } finally {
      await c.config('SET', 'appendonly', 'yes');
      await c.config('SET', 'save', '');
      await c.config('SET', 'maxmemory-policy', 'noeviction');
      await c.quit();
    }
  });

  it('tolerates a server where CONFIG is disabled', async () => {
    const d = await mkdtemp(path.join(os.tmpdir(), 'duban-noconfig-'));
    const r = await ensureRedis({
      localUrl: await deadUrl(),
      dataDir: d,
      log: silentLogger(),
      allowSpawn: true,
      extraArgs: ['--rename-command', 'CONFIG', ''],
    });
    if (r.url === undefined) throw new Error(r.hint);
    const c = new Redis(r.url);
    const log = silentLogger();
    try {
      expect(await checkDurability(c, log)).toEqual({ checked: false, warnings: [] });
      expect(log.lines.some((l) => /not verified/.test(String(l.msg)))).toBe(true);
    } finally {
      await c.quit();
      await r.stop();
      await rm(d, { recursive: true, force: true });
    }
  });
});

describe('openRedis (what main.ts calls at start-up)', () => {
  it('connects to REDIS_URL and reports the durability it found', async () => {
    const opened = await openRedis(loadConfig({ REDIS_URL: testRedisUrl() }), silentLogger());
    if (!opened.ok) throw new Error(opened.hint);
    try {
      expect(opened.spawned).toBe(false);
      expect(opened.url).toBe(testRedisUrl());
      expect(await opened.conns.client.ping()).toBe('PONG');
      expect(opened.durability.checked).toBe(true);
    } finally {
      await opened.close();
    }
  });

  it('starts a redis-server under DATA_DIR/redis when nothing answers, and close() stops it', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'duban-open-'));
    try {
      const opened = await openRedis(loadConfig({ DATA_DIR: dataDir }), silentLogger(), { localUrl: await deadUrl() });
      if (!opened.ok) throw new Error(opened.hint);
      expect(opened.spawned).toBe(true);
      expect(opened.durability.warnings).toEqual([]);
      await opened.conns.client.set('k', 'v');
      expect(await readdir(path.join(dataDir, 'redis', 'appendonlydir'))).not.toEqual([]);
      await opened.close();
      expect((await pingRedis(opened.url!, 500)).ok).toBe(false);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('gives the hint (and no connections) when autostart is off and nothing answers', async () => {
    const opened = await openRedis(loadConfig({ REDIS_AUTOSTART: 'false' }), silentLogger(), { localUrl: await deadUrl() });
    expect(opened.ok).toBe(false);
    expect(!opened.ok && opened.hint).toContain('REDIS_AUTOSTART=false');
  });

  it('refuses to fall back when the configured REDIS_URL is dead', async () => {
    await expect(openRedis(loadConfig({ REDIS_URL: await deadUrl() }), silentLogger())).rejects.toBeInstanceOf(
      RedisUnavailableError,
    );
  });
});
