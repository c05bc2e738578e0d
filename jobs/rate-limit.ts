import { randomBytes } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

/**
 * Send-slot reservations shared by every replica, exact over sliding windows:
 * Lark allows 50 sends/s and 1000/min per app and 5/s per chat. A caller asks
 * for a slot under several limits at once and gets the earliest instant at
 * which sending breaks none of them; the slot is recorded immediately, so the
 * next caller queues behind it (reservations never go back in time). A rate-limit answer sets a
 * "blocked until" — for the whole app (429) or one chat (230020) — that
 * reservations honour.
 *
 * One sorted set per limit (members = reserved instants), trimmed as windows
 * pass. All keys must share a Cluster slot: build them under the queue prefix
 * ("{duban}…").
 */

export interface Limit {
  key: string;
  max: number;
  windowMs: number;
  /**
   * Minimum gap after the previous slot. Spacing a per-second limit evenly
   * (20 ms for 50/s) instead of allowing the whole burst at once keeps
   * arrivals from bunching: 50 requests released together reach the server
   * over tens of ms and spill into the next window.
   */
  spacingMs?: number;
}

// KEYS[1..nb] = blocked-until keys, KEYS[nb+1..] = limit zsets.
// ARGV[1] = now ms, ARGV[2] = max wait ms, ARGV[3] = member suffix, ARGV[4] = nb,
// then per limit: max, windowMs, spacingMs.
const RESERVE = `
local now = tonumber(ARGV[1])
local maxWait = tonumber(ARGV[2])
local nb = tonumber(ARGV[4])
local t = now
local seen = {}
for i = 1, nb do
  local raw = redis.call('GET', KEYS[i]) or '0'
  seen[i] = raw
  local blocked = tonumber(raw) or 0
  if blocked > t then t = blocked end
end
for i = nb + 1, #KEYS do
  local j = i - nb
  local max = tonumber(ARGV[2 + j * 3])
  local window = tonumber(ARGV[3 + j * 3])
  local spacing = tonumber(ARGV[4 + j * 3])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  local n = redis.call('ZCARD', KEYS[i])
  if n > 0 then
    local last = tonumber(redis.call('ZRANGE', KEYS[i], -1, -1, 'WITHSCORES')[2])
    if last + spacing > t then t = last + spacing end
    if n >= max then
      local kth = tonumber(redis.call('ZRANGE', KEYS[i], n - max, n - max, 'WITHSCORES')[2])
      if kth + window > t then t = kth + window end
    end
  end
end
if t - now > maxWait then return {0, t - now} end
for i = nb + 1, #KEYS do
  local window = tonumber(ARGV[3 + (i - nb) * 3])
  redis.call('ZADD', KEYS[i], t, t .. '-' .. ARGV[3])
  redis.call('PEXPIRE', KEYS[i], (t - now) + window + 1000)
end
return {1, t, table.concat(seen, '|')}
`;

// KEYS[1] = blocked-until key; ARGV[1] = until ms, ARGV[2] = ttl ms. Only ever extends.
const BLOCK = `
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local u = tonumber(ARGV[1])
if u > cur then redis.call('SET', KEYS[1], u, 'PX', ARGV[2]) return 1 end
return 0
`;

/** `blocks`: the block keys' values when the slot was given; if they change before sending, the slot is void. */
export type Reservation = { ok: true; at: number; blocks: string } | { ok: false; waitMs: number };

export interface SlotLimiter {
  /**
   * Reserve the earliest slot within `maxWaitMs` that is after every block in
   * `blockKeys` and within every limit; the caller must send at (not before) `at`.
   */
  reserve(limits: Limit[], maxWaitMs: number, blockKeys: string[]): Promise<Reservation>;
  /** Nobody reserving with `blockKey` sends before `untilMs` (a 429's reset). */
  blockUntil(blockKey: string, untilMs: number): Promise<void>;
  /**
   * The block keys' values now, to compare with a reservation's `blocks`
   * before sending: a change (a 429 while the sender slept) voids the slot.
   */
  blockState(blockKeys: string[]): Promise<string>;
}

export function createSlotLimiter(redis: Redis | Cluster, now: () => number = Date.now): SlotLimiter {
  return {
    async reserve(limits, maxWaitMs, blockKeys) {
      const args: Array<string | number> = [now(), maxWaitMs, randomBytes(6).toString('hex'), blockKeys.length];
      for (const l of limits) args.push(l.max, l.windowMs, l.spacingMs ?? 0);
      const keys = [...blockKeys, ...limits.map((l) => l.key)];
      const res = (await redis.eval(RESERVE, keys.length, ...keys, ...args)) as [number, number, string?];
      return res[0] === 1 ? { ok: true, at: Number(res[1]), blocks: String(res[2] ?? '') } : { ok: false, waitMs: Number(res[1]) };
    },
    async blockState(blockKeys) {
      const values = await Promise.all(blockKeys.map((k) => redis.get(k)));
      return values.map((v) => v ?? '0').join('|');
    },
    async blockUntil(blockKey, untilMs) {
      const ttl = Math.max(1000, untilMs - now() + 1000);
      await redis.eval(BLOCK, 1, blockKey, Math.ceil(untilMs), Math.ceil(ttl));
    },
  };
}
