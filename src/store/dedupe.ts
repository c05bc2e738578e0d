import type { Cluster, Redis } from 'ioredis';

/**
 * Delivery dedupe shared by every replica: the first `claim` of a key wins for
 * `ttlSeconds`. Lark delivers events at least once (re-pushes at 15 s, 5 min,
 * 1 h, 6 h), so 8 h covers the whole retry schedule.
 */
export interface Dedupe {
  /** True when this caller is the first to see `key` within the TTL. */
  claim(key: string): Promise<boolean>;
  /** Give a claim back (work could not be queued), so a re-push is processed. */
  release(key: string): Promise<void>;
}

export const DEDUPE_TTL_SECONDS = 8 * 60 * 60;

export interface DedupeOptions {
  /** Key namespace; tests use a unique one per file. */
  prefix?: string;
  ttlSeconds?: number;
}

export function createRedisDedupe(redis: Redis | Cluster, opts: DedupeOptions = {}): Dedupe {
  const prefix = opts.prefix ?? 'duban:';
  const ttl = opts.ttlSeconds ?? DEDUPE_TTL_SECONDS;
  const full = (key: string) => `${prefix}dedupe:${key}`;
  return {
    async claim(key) {
      // SET NX EX is atomic: exactly one replica gets "OK" for a key.
      const res = await redis.set(full(key), '1', 'EX', ttl, 'NX');
      return res === 'OK';
    },
    async release(key) {
      await redis.del(full(key));
    },
  };
}
