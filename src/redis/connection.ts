import path from 'node:path';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Config, HostPort } from '../config.js';
import { redactUrl, type Logger } from '../log.js';
import { ensureRedis } from './ensure.js';

/**
 * Where the bot's Redis is: standalone, Sentinel (REDIS_SENTINELS +
 * REDIS_SENTINEL_NAME) or Cluster (REDIS_CLUSTER_NODES). test/redis/ha.test.ts
 * runs reminders, dedupe, locks and a Sentinel failover on real ones. Credentials for them are not configurable yet: add a
 * REDIS_PASSWORD variable in config.ts and pass it through here when needed.
 * BullMQ queues must use QUEUE_PREFIX (default "{duban}") so a queue's keys
 * hash to one Cluster slot.
 */
export type RedisTarget =
  | { kind: 'standalone'; url: string }
  | { kind: 'sentinel'; sentinels: HostPort[]; name: string }
  | { kind: 'cluster'; nodes: HostPort[] };

export type AnyRedis = Redis | Cluster;

export interface RedisConnections {
  /** For BullMQ Queue/Worker/QueueEvents: retries forever instead of failing commands (BullMQ requires maxRetriesPerRequest: null). */
  queue: AnyRedis;
  /** For stores and request paths: commands fail after a few retries so a chat reply can say "Redis unavailable" instead of hanging. */
  client: AnyRedis;
  /** Quits both (bounded); safe to call twice. */
  close(): Promise<void>;
}

export interface CreateRedisOptions {
  log: Logger;
  /** CLIENT SETNAME prefix, visible in CLIENT LIST (e.g. "duban"). */
  name?: string;
}

/** Picks the target from config: Sentinel or Cluster when configured, else the URL ensureRedis() found. */
export function redisTargetFromConfig(redis: Config['redis'], url: string | undefined): RedisTarget | undefined {
  if (redis.sentinels) return { kind: 'sentinel', sentinels: redis.sentinels, name: redis.sentinelName };
  if (redis.clusterNodes) return { kind: 'cluster', nodes: redis.clusterNodes };
  const u = redis.url ?? url;
  return u === undefined ? undefined : { kind: 'standalone', url: u };
}

function describe(target: RedisTarget): string {
  switch (target.kind) {
    case 'standalone':
      return redactUrl(target.url);
    case 'sentinel':
      return `sentinel ${target.name}@${target.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}`;
    case 'cluster':
      return `cluster ${target.nodes.map((s) => `${s.host}:${s.port}`).join(',')}`;
  }
}

function build(target: RedisTarget, options: RedisOptions): AnyRedis {
  switch (target.kind) {
    case 'standalone':
      return new Redis(target.url, options);
    case 'sentinel':
      return new Redis({ ...options, sentinels: target.sentinels, name: target.name });
    case 'cluster':
      return new Cluster(target.nodes, {
        redisOptions: options,
        // Cluster-level equivalents of the per-node options.
        ...(options.maxRetriesPerRequest === undefined ? {} : { maxRetriesPerRequest: options.maxRetriesPerRequest }),
        enableOfflineQueue: options.enableOfflineQueue ?? true,
      } as ConstructorParameters<typeof Cluster>[1]);
  }
}

/** Logs connection errors at most once per 30 s per client: a Redis outage must not flood the log. */
function watch(conn: AnyRedis, role: string, where: string, log: Logger): void {
  let lastLogged = 0;
  let suppressed = 0;
  conn.on('error', (err: Error) => {
    const now = Date.now();
    if (now - lastLogged < 30_000) {
      suppressed++;
      return;
    }
    log.error({ redis: where, role, err: err, suppressed }, 'redis connection error');
    lastLogged = now;
    suppressed = 0;
  });
  conn.on('ready', () => {
    if (lastLogged > 0) log.info({ redis: where, role }, 'redis connection restored');
  });
}

export function createRedis(target: string | RedisTarget, opts: CreateRedisOptions): RedisConnections {
  const t: RedisTarget = typeof target === 'string' ? { kind: 'standalone', url: target } : target;
  const where = describe(t);
  const name = opts.name ?? 'duban';
  const common: RedisOptions = {
    connectTimeout: 5000,
    // ioredis arms this on disconnect even for an already-dead socket; the 2 s default delays shutdown.
    disconnectTimeout: 500,
    // Back off to at most 5 s between reconnects; never give up (the bot outlives Redis restarts).
    retryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 6), 5000),
  };
  const queue = build(t, { ...common, connectionName: `${name}:queue`, maxRetriesPerRequest: null });
  const client = build(t, { ...common, connectionName: `${name}:client`, maxRetriesPerRequest: 2 });
  watch(queue, 'queue', where, opts.log);
  watch(client, 'client', where, opts.log);
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= Promise.all([quit(queue), quit(client)]).then(() => undefined));
  return { queue, client, close };
}

/** QUIT, then wait (bounded) for the socket to end so callers can exit cleanly; disconnect if Redis does not answer. */
async function quit(conn: AnyRedis): Promise<void> {
  if (conn.status === 'end') return;
  // QUIT only helps on a live connection; while (re)connecting it would wait for a socket that may never come.
  if (conn.status !== 'ready') {
    conn.disconnect();
    return;
  }
  const ended = new Promise<void>((resolve) => conn.once('end', () => resolve()));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), 2000);
  });
  try {
    conn.quit().catch(() => conn.disconnect());
    if ((await Promise.race([ended, timeout])) === 'timeout') conn.disconnect();
  } finally {
    clearTimeout(timer);
  }
}

export interface DurabilityReport {
  /** False when CONFIG GET is unavailable (managed Redis, renamed command); nothing could be verified. */
  checked: boolean;
  appendonly?: string;
  save?: string;
  maxmemoryPolicy?: string;
  /** One entry per problem found (also logged at warn). */
  warnings: string[];
  /**
   * Append-only persistence is off: a crash loses every write since the last
   * RDB snapshot (queued reminders, deliveries, reports). Logged at error;
   * services tell the supervisors' chat, or refuse to start with REDIS_REQUIRE_AOF.
   */
  aofOff?: boolean;
}

async function configGet(redis: AnyRedis, key: string): Promise<string | undefined> {
  const reply = (await redis.config('GET', key)) as unknown;
  // RESP2 gives [key, value]; be lenient about shapes.
  if (Array.isArray(reply)) return reply.length >= 2 ? String(reply[1]) : undefined;
  if (reply && typeof reply === 'object') return String((reply as Record<string, unknown>)[key] ?? '') || undefined;
  return undefined;
}

/**
 * Warns when Redis could lose the bot's state: no persistence at all (tasks,
 * bindings, progress reports and scheduled reminders vanish on restart), or an
 * eviction policy that may delete BullMQ keys under memory pressure.
 */
export async function checkDurability(redis: AnyRedis, log: Logger): Promise<DurabilityReport> {
  let appendonly: string | undefined;
  let save: string | undefined;
  let maxmemoryPolicy: string | undefined;
  try {
    appendonly = await configGet(redis, 'appendonly');
    save = await configGet(redis, 'save');
    maxmemoryPolicy = await configGet(redis, 'maxmemory-policy');
  } catch (err) {
    log.info({ err: err }, 'cannot read redis CONFIG; persistence and eviction settings not verified');
    return { checked: false, warnings: [] };
  }
  const warnings: string[] = [];
  if (appendonly !== 'yes' && !save?.trim()) {
    warnings.push('persistence is off (appendonly no, no RDB save points): the ledger and reminders are lost if Redis restarts');
    log.warn(
      { appendonly, save, fix: 'CONFIG SET appendonly yes (and set appendonly yes in redis.conf)' },
      'redis persistence is off',
    );
  }
  const aofOff = appendonly !== undefined && appendonly !== 'yes';
  if (aofOff) {
    warnings.push('append-only persistence (AOF) is off: a Redis crash loses queued reminders, deliveries and reports written since the last snapshot');
    log.error(
      { event: 'redis_aof_off', appendonly, save, fix: 'appendonly yes in redis.conf (CONFIG SET appendonly yes; CONFIG REWRITE)' },
      'redis AOF is off: a crash loses recent writes',
    );
  }
  if (maxmemoryPolicy !== undefined && maxmemoryPolicy !== 'noeviction') {
    warnings.push(`maxmemory-policy is ${maxmemoryPolicy}: Redis may evict queue and ledger keys when memory is full`);
    log.warn(
      { maxmemoryPolicy, fix: 'CONFIG SET maxmemory-policy noeviction (and in redis.conf)' },
      'redis may evict keys',
    );
  }
  return {
    checked: true,
    ...(appendonly === undefined ? {} : { appendonly }),
    ...(save === undefined ? {} : { save }),
    ...(maxmemoryPolicy === undefined ? {} : { maxmemoryPolicy }),
    warnings,
    aofOff,
  };
}

export type OpenedRedis =
  | {
      ok: true;
      conns: RedisConnections;
      /** Standalone URL in use (undefined for Sentinel/Cluster). */
      url?: string;
      /** True when a redis-server child was started for us. */
      spawned: boolean;
      durability: DurabilityReport;
      /** Closes both connections, then stops a spawned server. Call it last in shutdown. */
      close(): Promise<void>;
    }
  | { ok: false; hint: string };

/**
 * Start-up in one call: Sentinel/Cluster when configured; otherwise
 * ensureRedis() (REDIS_URL, else 127.0.0.1:6379, else a redis-server child in
 * `<DATA_DIR>/redis` when REDIS_AUTOSTART allows), then the two connections and
 * the durability check. `{ ok: false, hint }` means no Redis: print the hint and
 * keep serving what needs none. Throws RedisUnavailableError when REDIS_URL is
 * set but does not answer (the operator asked for that server: say so, exit).
 */
export async function openRedis(
  config: Config,
  log: Logger,
  opts: { localUrl?: string } = {},
): Promise<OpenedRedis> {
  const ha = redisTargetFromConfig(config.redis, undefined);
  if (ha && ha.kind !== 'standalone') {
    const conns = createRedis(ha, { log });
    const durability = await checkDurability(conns.client, log);
    return { ok: true, conns, spawned: false, durability, close: conns.close };
  }
  const found = await ensureRedis({
    url: config.redis.url,
    dataDir: path.join(config.dataDir, 'redis'),
    log,
    allowSpawn: config.redis.autostart,
    ...(opts.localUrl === undefined ? {} : { localUrl: opts.localUrl }),
  });
  if (found.url === undefined) return { ok: false, hint: found.hint };
  const conns = createRedis(found.url, { log });
  const durability = await checkDurability(conns.client, log);
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await conns.close();
      await found.stop();
    })());
  return { ok: true, conns, url: found.url, spawned: found.spawned, durability, close };
}
