/**
 * Real Redis for tests (never a mock). `npm test` runs under scripts/with-redis.ts,
 * which sets REDIS_URL to a Redis it found or started; run directly, tests use
 * 127.0.0.1:6379. Every test file works under its own key prefix so files can
 * run in parallel against one server, and cleans up only that prefix.
 *
 *   const t = useTestRedis('reminders');      // in a describe/file scope
 *   it('…', async () => { await t.redis.set(`${t.prefix}:k`, '1'); });
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { pingRedis } from '../../src/redis/ensure.js';

export function testRedisUrl(): string {
  return process.env.REDIS_URL || 'redis://127.0.0.1:6379';
}

export interface ConnectOptions {
  /** BullMQ needs maxRetriesPerRequest: null on the connections it is given. */
  forBullmq?: boolean;
}

/** A connected client; throws (failing the test) with a Chinese explanation when Redis does not answer. */
export async function connectTestRedis(opts: ConnectOptions = {}): Promise<Redis> {
  const url = testRedisUrl();
  const ping = await pingRedis(url, 2000);
  if (!ping.ok) {
    throw new Error(
      `测试需要 Redis，但 ${url} 无响应（${ping.error}）。请用 npm test 运行（会自动寻找或启动 redis-server），` +
        '或先安装/启动 Redis：apt-get install redis-server、brew install redis、docker compose up -d redis，或设置 REDIS_URL。',
    );
  }
  const redis = new Redis(url, {
    connectTimeout: 2000,
    maxRetriesPerRequest: opts.forBullmq ? null : 1,
    // A test never waits for a Redis that went away: fail and say so.
    retryStrategy: (times: number) => (times > 3 ? null : 100),
  });
  redis.on('error', () => {
    // surfaced through the failing command instead
  });
  return redis;
}

/**
 * This test run's id (set by test/support/redis-leaks.ts before the workers
 * start), so the run can tell its own leftovers from a neighbour's.
 */
export function testRunId(): string {
  return /^[0-9a-f]{8}$/.test(process.env.DUBAN_TEST_RUN ?? '') ? process.env.DUBAN_TEST_RUN! : 'norun';
}

/**
 * A key prefix unique to this call: `t:<run>:<name>:<12 hex>`. Use it for
 * plain keys (`${prefix}:…`) and as BullMQ's `prefix` option, bare or in
 * braces (`{${prefix}}`, a Cluster hash tag): both forms are cleaned up.
 * Names are sanitised so the prefix never contains glob characters.
 */
export function uniquePrefix(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 40) || 'x';
  return `t:${testRunId()}:${safe}:${randomBytes(6).toString('hex')}`;
}

/** Deletes every key starting with `prefix` (SCAN + UNLINK, never FLUSHALL); returns how many. */
export async function deleteByPrefix(redis: Redis, prefix: string): Promise<number> {
  if (prefix.length < 4) throw new Error(`refusing to delete by a prefix this short: "${prefix}"`);
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  let cursor = '0';
  let deleted = 0;
  // Bounded: 100k iterations of COUNT 500 is far beyond any test's key count.
  for (let i = 0; i < 100_000; i++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    if (keys.length > 0) deleted += await redis.unlink(...keys);
    cursor = next;
    if (cursor === '0') break;
  }
  return deleted;
}

export interface TestRedis {
  /** Valid inside tests and hooks (set in beforeAll). */
  readonly redis: Redis;
  readonly prefix: string;
  readonly url: string;
  /** Another client (e.g. for BullMQ), closed with the rest. */
  connect(opts?: ConnectOptions): Promise<Redis>;
}

/** Registers beforeAll/afterAll hooks: connect, then delete this prefix and close every client. */
export function useTestRedis(name: string): TestRedis {
  const prefix = uniquePrefix(name);
  const clients: Redis[] = [];
  let main: Redis | undefined;
  const connect = async (opts?: ConnectOptions) => {
    const c = await connectTestRedis(opts);
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    main = await connect();
  });
  afterAll(async () => {
    if (main) {
      await deleteByPrefix(main, prefix);
      await deleteByPrefix(main, `{${prefix}`);
    }
    await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
  });
  return {
    get redis() {
      if (!main) throw new Error('useTestRedis: client not connected yet (use it inside tests or hooks)');
      return main;
    },
    prefix,
    url: testRedisUrl(),
    connect,
  };
}
