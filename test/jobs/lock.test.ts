import { describe, expect, it } from 'vitest';
import { acquireLease } from '../../jobs/lock.js';
import { useTestRedis } from '../support/redis.js';

const t = useTestRedis('lock');

describe('planning lease (real Redis)', () => {
  it('is held by one caller at a time and passes on when released', async () => {
    const key = `${t.prefix}:lease-a`;
    const first = await acquireLease(t.redis, key, { ttlMs: 5000 });
    expect(first?.held).toBe(true);
    expect(await acquireLease(t.redis, key, { ttlMs: 5000, waitMs: 200, pollMs: 50 })).toBeUndefined();
    const waiting = acquireLease(t.redis, key, { ttlMs: 5000, waitMs: 3000, pollMs: 50 });
    await first!.release();
    const second = await waiting;
    expect(second?.held).toBe(true);
    await second!.release();
  });

  it('is renewed while held, so a long sync keeps it past its ttl', async () => {
    const key = `${t.prefix}:lease-b`;
    const lease = await acquireLease(t.redis, key, { ttlMs: 300 });
    await new Promise((r) => setTimeout(r, 900));
    expect(await acquireLease(t.redis, key, { ttlMs: 300 })).toBeUndefined();
    await lease!.release();
    expect(await t.redis.exists(key)).toBe(0);
  });

  it('never releases a lease someone else holds', async () => {
    const key = `${t.prefix}:lease-c`;
    const lease = await acquireLease(t.redis, key, { ttlMs: 5000 });
    // Simulate expiry and takeover by another replica.
    await t.redis.set(key, 'other-replica', 'PX', 5000);
    await lease!.release();
    expect(await t.redis.get(key)).toBe('other-replica');
  });
});
