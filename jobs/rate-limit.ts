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
  redis.call('PEXPIRE', KEYS[i], math.ceil((t - now) + window + 1000))
end
-- Spacings like 1000/30 make t fractional: PEXPIRE and the integer reply need whole ms (rounded up: never early).
return {1, math.ceil(t), table.concat(seen, '|'), t .. '-' .. ARGV[3]}
`;

// KEYS[1..nb] = block keys, KEYS[nb+1..] = limit zsets; ARGV[1] = member, ARGV[2] = now ms, ARGV[3] = nb.
// Moves the slot to now if the sender is late, and returns the block state.
const CLAIM = `
local nb = tonumber(ARGV[3])
local now = tonumber(ARGV[2])
local seen = {}
for i = 1, nb do seen[i] = redis.call('GET', KEYS[i]) or '0' end
for i = nb + 1, #KEYS do
  local sc = tonumber(redis.call('ZSCORE', KEYS[i], ARGV[1]))
  if sc and now > sc then redis.call('ZADD', KEYS[i], 'XX', now, ARGV[1]) end
end
return table.concat(seen, '|')
`;

// KEYS = limit zsets; ARGV[1] = member. Frees a slot nobody used.
const RELEASE = `
for i = 1, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1]) end
return 1
`;

// KEYS[1] = blocked-until key, KEYS[2..] = limit zsets whose later slots the block voids;
// ARGV[1] = until ms, ARGV[2] = ttl ms, ARGV[3] = void slots after this instant. Only ever extends.
const BLOCK = `
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local u = tonumber(ARGV[1])
if u > cur then
  redis.call('SET', KEYS[1], u, 'PX', ARGV[2])
  for i = 2, #KEYS do redis.call('ZREMRANGEBYSCORE', KEYS[i], '(' .. ARGV[3], '+inf') end
  return 1
end
return 0
`;

/**
 * Slots this close to now are left counted when a block voids later ones: their
 * holder may have checked the block just before it was set and be sending.
 */
const VOID_GUARD_MS = 25;

/**
 * `blocks`: the block keys' values when the slot was given; if they change before sending, the slot is void.
 * `member`: the slot's entry in every limit, for `release`.
 */
export type Reservation = { ok: true; at: number; blocks: string; member: string } | { ok: false; waitMs: number };

export interface SlotLimiter {
  /**
   * Reserve the earliest slot within `maxWaitMs` that is after every block in
   * `blockKeys` and within every limit; the caller must send at (not before) `at`.
   */
  reserve(limits: Limit[], maxWaitMs: number, blockKeys: string[]): Promise<Reservation>;
  /**
   * Nobody reserving with `blockKey` sends before `untilMs` (a 429's reset).
   * Slots already reserved in `voidLimitKeys` from shortly after now on are
   * dropped: every holder of one sees the block changed and reserves anew, and
   * the stale entries would otherwise push the new slots back by up to the
   * whole reserved-ahead stretch.
   */
  blockUntil(blockKey: string, untilMs: number, voidLimitKeys?: string[]): Promise<void>;
  /**
   * The block keys' values now, to compare with a reservation's `blocks`
   * before sending: a change (a 429 while the sender slept) voids the slot.
   */
  blockState(blockKeys: string[]): Promise<string>;
  /**
   * Just before sending: `blockState`, and the slot's entries move to now if
   * the sender woke late (event-loop stall, GC), so slots reserved after this
   * keep a full window from when the request really left, not from when it
   * was meant to.
   */
  claim(blockKeys: string[], limitKeys: string[], member: string): Promise<string>;
  /**
   * Give back a reservation's entry in the limits keyed `limitKeys`: a slot
   * voided before sending, or refused by the limit it was counted against.
   * An unused entry would still count for the whole window (a minute, for the
   * per-minute limit), so the last messages of a large batch would wait for an
   * extra window.
   */
  release(limitKeys: string[], member: string): Promise<void>;
}

export function createSlotLimiter(redis: Redis | Cluster, now: () => number = Date.now): SlotLimiter {
  return {
    async reserve(limits, maxWaitMs, blockKeys) {
      const args: Array<string | number> = [now(), maxWaitMs, randomBytes(6).toString('hex'), blockKeys.length];
      for (const l of limits) args.push(l.max, l.windowMs, l.spacingMs ?? 0);
      const keys = [...blockKeys, ...limits.map((l) => l.key)];
      const res = (await redis.eval(RESERVE, keys.length, ...keys, ...args)) as [number, number, string?, string?];
      return res[0] === 1
        ? { ok: true, at: Number(res[1]), blocks: String(res[2] ?? ''), member: String(res[3]) }
        : { ok: false, waitMs: Number(res[1]) };
    },
    async claim(blockKeys, limitKeys, member) {
      const keys = [...blockKeys, ...limitKeys];
      return String(await redis.eval(CLAIM, keys.length, ...keys, member, now(), blockKeys.length));
    },
    async release(limitKeys, member) {
      if (limitKeys.length) await redis.eval(RELEASE, limitKeys.length, ...limitKeys, member);
    },
    async blockState(blockKeys) {
      const values = await Promise.all(blockKeys.map((k) => redis.get(k)));
      return values.map((v) => v ?? '0').join('|');
    },
    async blockUntil(blockKey, untilMs, voidLimitKeys = []) {
      const t = now();
      const ttl = Math.max(1000, untilMs - t + 1000);
      const keys = [blockKey, ...voidLimitKeys];
      await redis.eval(BLOCK, keys.length, ...keys, Math.ceil(untilMs), Math.ceil(ttl), t + VOID_GUARD_MS);
    },
  };
}
