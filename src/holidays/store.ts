import { randomBytes } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { followChanges } from '../redis/change-notes.js';
import { z } from 'zod';

/**
 * Imported State Council notices in Redis, so they survive restarts and every
 * replica plans with the same days off. The text is stored (not the parsed
 * dates), so a better parser reads it better on the next load. Same layout
 * and change notes as the plan library (src/plans/library.ts):
 *
 *   <ns>:{holidays}:notices   hash: year -> JSON entry (notice text, amendments, who, when)
 *   <ns>:{holidays}:version   counter, bumped by every change
 *   <ns>:{holidays}:changed   pub/sub channel: one note per change
 *   <ns>:{holidays}:pending:<tenant>:<user>   a notice shown for confirmation (1 hour)
 */

export const StoredNotice = z.object({
  year: z.number().int(),
  text: z.string().min(1),
  /** Supplementary notices (延长假期), applied in order. */
  amendments: z.array(z.string()).default([]),
  by: z.string(),
  byName: z.string().optional(),
  at: z.string(),
});
export type StoredNotice = z.infer<typeof StoredNotice>;

const Note = z.object({ year: z.number().int(), version: z.number().int(), origin: z.string() });
export type HolidayNote = z.infer<typeof Note>;

const Pending = z.object({ text: z.string().min(1), at: z.string() });
export type PendingNotice = z.infer<typeof Pending>;

/** How long a notice shown for confirmation waits for /假期 确认. */
export const PENDING_TTL_SECONDS = 3600;

export interface HolidayStore {
  readonly origin: string;
  list(): Promise<StoredNotice[]>;
  put(entry: StoredNotice): Promise<number>;
  remove(year: number): Promise<boolean>;
  version(): Promise<number>;
  setPending(tenant: string, user: string, text: string): Promise<void>;
  /** The pending notice, removed as it is taken. */
  takePending(tenant: string, user: string): Promise<PendingNotice | undefined>;
  /** `onNote` for changes made elsewhere, and `undefined` after a reconnect (compare versions). */
  subscribe(onNote: (note: HolidayNote | undefined) => void): Promise<{ close(): Promise<void> }>;
}

export function createHolidayStore(redis: Redis | Cluster, opts: { prefix?: string; log: Logger; origin?: string; now?: () => Date }): HolidayStore {
  const ns = opts.prefix ?? 'duban';
  const hashKey = `${ns}:{holidays}:notices`;
  const versionKey = `${ns}:{holidays}:version`;
  const channel = `${ns}:{holidays}:changed`;
  const pendingKey = (tenant: string, user: string) => `${ns}:{holidays}:pending:${tenant}:${user}`;
  const origin = opts.origin ?? randomBytes(8).toString('hex');
  const now = opts.now ?? (() => new Date());
  const log = opts.log.child({ component: 'holiday-store' });

  async function notify(year: number, version: number): Promise<void> {
    try {
      await redis.publish(channel, JSON.stringify({ year, version, origin }));
    } catch (err) {
      log.warn({ event: 'holiday_publish_failed', year, err: err }, 'change note not published');
    }
  }

  return {
    origin,
    async list() {
      const all = await redis.hgetall(hashKey);
      const out: StoredNotice[] = [];
      for (const [field, raw] of Object.entries(all)) {
        try {
          out.push(StoredNotice.parse(JSON.parse(raw)));
        } catch {
          log.warn({ event: 'holiday_bad_entry', year: field }, 'malformed holiday notice skipped');
        }
      }
      return out.sort((a, b) => a.year - b.year);
    },
    async put(entry) {
      const res = await redis.multi().hset(hashKey, String(entry.year), JSON.stringify(StoredNotice.parse(entry))).incr(versionKey).exec();
      const version = Number(res?.[1]?.[1] ?? 0);
      log.info({ event: 'holiday_notice_put', year: entry.year, amendments: entry.amendments.length, by: entry.by, version }, 'holiday notice stored');
      await notify(entry.year, version);
      return version;
    },
    async remove(year) {
      const res = await redis.multi().hdel(hashKey, String(year)).incr(versionKey).exec();
      const removed = Number(res?.[0]?.[1] ?? 0) > 0;
      const version = Number(res?.[1]?.[1] ?? 0);
      log.info({ event: 'holiday_notice_remove', year, removed, version }, 'holiday notice removed');
      if (removed) await notify(year, version);
      return removed;
    },
    async version() {
      return Number((await redis.get(versionKey)) ?? 0);
    },
    async setPending(tenant, user, text) {
      await redis.set(pendingKey(tenant, user), JSON.stringify({ text, at: now().toISOString() }), 'EX', PENDING_TTL_SECONDS);
    },
    async takePending(tenant, user) {
      const key = pendingKey(tenant, user);
      const raw = await redis.get(key);
      if (!raw) return undefined;
      await redis.del(key);
      try {
        return Pending.parse(JSON.parse(raw));
      } catch {
        return undefined;
      }
    },
    subscribe(onNote) {
      return followChanges(redis, { channel, schema: Note, origin, log, what: 'holiday' }, onNote);
    },
  };
}
