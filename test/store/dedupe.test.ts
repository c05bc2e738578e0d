import { describe, expect, it } from 'vitest';
import { DEDUPE_TTL_SECONDS, createRedisDedupe } from '../../src/store/dedupe.js';
import { useTestRedis } from '../support/redis.js';

const t = useTestRedis('dedupe');

describe('Redis dedupe', () => {
  it('lets exactly one of two replicas claim a delivery, for 8 hours', async () => {
    const other = await t.connect();
    const a = createRedisDedupe(t.redis, { prefix: `${t.prefix}:` });
    const b = createRedisDedupe(other, { prefix: `${t.prefix}:` });
    const results = await Promise.all([a.claim('lark:msg:t:om_1'), b.claim('lark:msg:t:om_1')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const ttl = await t.redis.ttl(`${t.prefix}:dedupe:lark:msg:t:om_1`);
    expect(ttl).toBeGreaterThan(DEDUPE_TTL_SECONDS - 10);
    expect(ttl).toBeLessThanOrEqual(DEDUPE_TTL_SECONDS);
  });

  it('gives a claim back so a re-push can be processed', async () => {
    const d = createRedisDedupe(t.redis, { prefix: `${t.prefix}:` });
    expect(await d.claim('k2')).toBe(true);
    expect(await d.claim('k2')).toBe(false);
    await d.release('k2');
    expect(await d.claim('k2')).toBe(true);
  });
});
