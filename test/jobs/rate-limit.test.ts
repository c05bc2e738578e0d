import { describe, expect, it } from 'vitest';
import { createSlotLimiter, type Limit } from '../../jobs/rate-limit.js';
import { useTestRedis } from '../support/redis.js';

const t = useTestRedis('rate-limit');

describe('send-slot reservations (real Redis)', () => {
  it('gives five slots a second per chat (a burst when unspaced), then queues the rest behind them in order', async () => {
    const now = 1_700_000_000_000;
    const limiter = createSlotLimiter(t.redis, () => now);
    const chat: Limit = { key: `${t.prefix}:chat-a`, max: 5, windowMs: 1000 };
    const slots: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await limiter.reserve([chat], 60_000, [`${t.prefix}:blocked-a`]);
      if (!r.ok) throw new Error('no slot');
      slots.push(r.at - now);
    }
    expect(slots).toEqual([0, 0, 0, 0, 0, 1000, 1000, 1000, 1000, 1000, 2000, 2000]);
  });

  it('spaces slots evenly when asked, so no burst reaches the server at once', async () => {
    const now = 1_700_000_000_000;
    const limiter = createSlotLimiter(t.redis, () => now);
    const chat: Limit = { key: `${t.prefix}:chat-spaced`, max: 5, windowMs: 1050, spacingMs: 200 };
    const slots: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await limiter.reserve([chat], 60_000, []);
      if (!r.ok) throw new Error('no slot');
      slots.push(r.at - now);
    }
    // The sixth waits for the first to leave the (margin-widened) window, not just the spacing.
    expect(slots).toEqual([0, 200, 400, 600, 800, 1050, 1250]);
  });

  it('takes limits whose spacing is not a whole number of ms (30/s, 70/s)', async () => {
    const now = 1_700_000_000_000;
    const limiter = createSlotLimiter(t.redis, () => now);
    for (const perSecond of [30, 70]) {
      const limit: Limit = { key: `${t.prefix}:frac-${perSecond}`, max: perSecond, windowMs: 1000, spacingMs: 1000 / perSecond };
      const slots: number[] = [];
      for (let i = 0; i < perSecond + 2; i++) {
        const r = await limiter.reserve([limit], 60_000, []);
        if (!r.ok) throw new Error('no slot');
        expect(Number.isInteger(r.at)).toBe(true);
        slots.push(r.at - now);
      }
      // Evenly spaced, never early, and the window's allowance is kept.
      expect(slots[1]).toBe(Math.ceil(1000 / perSecond));
      expect(slots[perSecond - 1]).toBeLessThanOrEqual(1000);
      expect(slots.filter((x) => x < 1000)).toHaveLength(perSecond);
    }
  });

  it('honours every limit at once and a block after a 429', async () => {
    const now = 1_700_000_000_000;
    const limiter = createSlotLimiter(t.redis, () => now);
    const app: Limit = { key: `${t.prefix}:app-b`, max: 3, windowMs: 1000 };
    const chatX: Limit = { key: `${t.prefix}:chat-x`, max: 2, windowMs: 1000 };
    const chatY: Limit = { key: `${t.prefix}:chat-y`, max: 2, windowMs: 1000 };
    const block = `${t.prefix}:blocked-b`;
    const take = async (limits: Limit[], blocks = [block]) => {
      const r = await limiter.reserve(limits, 60_000, blocks);
      if (!r.ok) throw new Error('no slot');
      return r.at - now;
    };
    expect(await take([app, chatX])).toBe(0);
    expect(await take([app, chatX])).toBe(0);
    expect(await take([app, chatY])).toBe(0);
    // The app's third slot is used: the fourth message waits for the window, whatever its chat.
    expect(await take([app, chatY])).toBe(1000);
    await limiter.blockUntil(block, now + 5000);
    expect(await take([app, chatY])).toBe(5000);
    // A block on one chat holds only that chat.
    const chatZ: Limit = { key: `${t.prefix}:chat-z`, max: 9, windowMs: 1000 };
    await limiter.blockUntil(`${t.prefix}:blocked-z`, now + 9000);
    expect(await take([chatZ], [`${t.prefix}:blocked-z`])).toBe(9000);
    const chatW: Limit = { key: `${t.prefix}:chat-w`, max: 9, windowMs: 1000 };
    expect(await take([chatW], [`${t.prefix}:blocked-w`])).toBe(0);
  });

  it('refuses to reserve further ahead than the caller will wait', async () => {
    const now = 1_700_000_000_000;
    const limiter = createSlotLimiter(t.redis, () => now);
    const chat: Limit = { key: `${t.prefix}:chat-c`, max: 1, windowMs: 10_000 };
    expect(await limiter.reserve([chat], 1000, [])).toEqual({ ok: true, at: now, blocks: '', member: expect.any(String) });
    expect(await limiter.reserve([chat], 1000, [])).toEqual({ ok: false, waitMs: 10_000 });
    // A refusal reserves nothing.
    expect(await t.redis.zcard(chat.key)).toBe(1);
  });

  it('frees slots that were never used, so they do not hold a place for a whole window', async () => {
    const now = 1_700_000_000_000;
    const limiter = createSlotLimiter(t.redis, () => now);
    const minute: Limit = { key: `${t.prefix}:min-r`, max: 2, windowMs: 60_000 };
    const block = `${t.prefix}:blocked-r`;
    const first = await limiter.reserve([minute], 120_000, [block]);
    const second = await limiter.reserve([minute], 120_000, [block]);
    if (!first.ok || !second.ok) throw new Error('no slot');
    // Both slots taken: a third message would wait the whole minute.
    await limiter.release([minute.key], second.member);
    expect(await limiter.reserve([minute], 120_000, [block])).toMatchObject({ ok: true, at: now });
    // A block voids slots reserved beyond it (their holders re-reserve) but keeps those about to be sent.
    const spaced: Limit = { key: `${t.prefix}:sp-r`, max: 100, windowMs: 1000, spacingMs: 10 };
    for (let i = 0; i < 10; i++) await limiter.reserve([spaced], 60_000, [block]);
    await limiter.blockUntil(block, now + 500, [spaced.key]);
    expect(await t.redis.zcount(spaced.key, '-inf', '+inf')).toBe(3);
    expect(await limiter.reserve([spaced], 60_000, [block])).toMatchObject({ ok: true, at: now + 500 });
  });
});
