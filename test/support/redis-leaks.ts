/**
 * vitest globalSetup: the suite must leave Redis as it found it. Before any
 * test file runs, note every key outside test prefixes and give this run an
 * id (DUBAN_TEST_RUN, read by uniquePrefix); after the last file, fail the
 * run when it left keys under its own test prefixes (a missing cleanup) or
 * created keys outside test prefixes (a test writing where the bot's real
 * data lives: `duban:…`, `{duban}:…`). SCAN only; nothing is deleted here.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

const MAX_KEYS = 200_000;
const isTestKey = (k: string) => k.startsWith('t:') || k.startsWith('{t:');

async function scanAll(redis: Redis, pattern: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  for (let i = 0; i < 10_000 && out.length < MAX_KEYS; i++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    out.push(...keys);
    cursor = next;
    if (cursor === '0') break;
  }
  return out;
}

async function connect(): Promise<Redis | undefined> {
  const redis = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379', { connectTimeout: 2000, maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch {
    redis.disconnect();
    return undefined;
  }
}

export default async function setup(): Promise<() => Promise<void>> {
  const run = randomBytes(4).toString('hex');
  process.env.DUBAN_TEST_RUN = run;
  const before = await connect();
  // No Redis: the tests that need it fail on their own, loudly; nothing to compare.
  if (!before) return async () => {};
  const outside = new Set((await scanAll(before, '*')).filter((k) => !isTestKey(k)));
  before.disconnect();

  return async () => {
    const redis = await connect();
    if (!redis) return;
    try {
      const mine = [...(await scanAll(redis, `t:${run}:*`)), ...(await scanAll(redis, `{t:${run}:*`))];
      const created = (await scanAll(redis, '*')).filter((k) => !isTestKey(k) && !outside.has(k));
      const problems: string[] = [];
      if (mine.length > 0) problems.push(`${mine.length} key(s) left under this run's test prefixes, e.g. ${mine.slice(0, 5).join(', ')}`);
      if (created.length > 0) problems.push(`${created.length} key(s) created outside test prefixes, e.g. ${created.slice(0, 5).join(', ')}`);
      if (problems.length > 0) {
        // vitest reports a teardown error but keeps the exit code: set it, so CI fails.
        process.exitCode = 1;
        throw new Error(`The tests did not leave Redis as they found it (${process.env.REDIS_URL || 'redis://127.0.0.1:6379'}):\n  ${problems.join('\n  ')}`);
      }
    } finally {
      redis.disconnect();
    }
  };
}
