import { afterEach, describe, expect, it } from 'vitest';
import { connectTestRedis, deleteByPrefix, uniquePrefix, useTestRedis } from '../support/redis.js';

const t = useTestRedis('support');

describe('test Redis support', () => {
  const savedUrl = process.env.REDIS_URL;
  afterEach(() => {
    if (savedUrl === undefined) delete process.env.REDIS_URL;
    else process.env.REDIS_URL = savedUrl;
  });

  it('gives every call its own prefix, free of glob characters', () => {
    const a = uniquePrefix('督办 reminders*[x]');
    const b = uniquePrefix('督办 reminders*[x]');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^t:(?:[0-9a-f]{8}|norun):[A-Za-z0-9_-]+:[0-9a-f]{12}$/);
  });

  it('cleans up only its own prefix, leaving neighbours alone', async () => {
    const mine = `${t.prefix}:a`;
    const other = `${t.prefix}:b`;
    const r = t.redis;
    await r.mset(`${mine}:1`, 'x', `${mine}:2`, 'y', `${other}:1`, 'z');
    await r.rpush(`${mine}:list`, '1', '2');
    expect(await deleteByPrefix(r, mine)).toBe(3);
    expect(await r.exists(`${mine}:1`, `${mine}:2`, `${mine}:list`)).toBe(0);
    expect(await r.get(`${other}:1`)).toBe('z');
  });

  it('refuses a prefix short enough to wipe unrelated data', async () => {
    await expect(deleteByPrefix(t.redis, 't:')).rejects.toThrow(/too short|short/);
  });

  it('fails with a Chinese explanation when Redis does not answer', async () => {
    process.env.REDIS_URL = 'redis://127.0.0.1:1';
    await expect(connectTestRedis()).rejects.toThrow(/测试需要 Redis.*redis:\/\/127\.0\.0\.1:1/);
  });
});
