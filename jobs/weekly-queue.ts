import { Queue } from 'bullmq';
import { z } from 'zod';
import { isoWeek } from '../src/summary/week.js';
import { DEFAULT_PREFIX, KEEP_COMPLETED_SECONDS, type QueueConfig } from './reminder-queue.js';

/**
 * The weekly queue: one job per (kind, ISO week), job id "call-2026-W47" /
 * "summary-2026-W47". Every replica's tick adds the same id, and BullMQ adds a
 * job id at most once (kept for KEEP_COMPLETED_SECONDS after it ran), so the
 * week gets one 催报 round and one summary however many replicas tick or
 * restart.
 */

export const WEEKLY_QUEUE = 'weekly';

export const WeeklyKind = z.enum(['call', 'summary']);
export type WeeklyKind = z.infer<typeof WeeklyKind>;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const WeeklyJobData = z.object({
  v: z.literal(1),
  kind: WeeklyKind,
  /** ISO week of the nominal day, e.g. "2026-W47". */
  week: z.string().regex(/^\d{4}-W\d{2}$/),
  /** The day the schedule names, and the working day it fired on. */
  nominal: isoDate,
  fireDate: isoDate,
  /** Why it was enqueued: the cron tick or the start-up catch-up. */
  via: z.enum(['tick', 'catch-up']),
});
export type WeeklyJobData = z.infer<typeof WeeklyJobData>;

export function weeklyJobId(kind: WeeklyKind, nominal: string): string {
  return `${kind}-${isoWeek(nominal)}`;
}

export function createWeeklyQueue(cfg: QueueConfig): Queue<WeeklyJobData> {
  return new Queue<WeeklyJobData>(WEEKLY_QUEUE, {
    connection: cfg.connection,
    prefix: cfg.prefix ?? DEFAULT_PREFIX,
    defaultJobOptions: {
      attempts: 5,
      backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 },
      // Kept well past the week: the kept id is what makes a later tick or catch-up a no-op.
      removeOnComplete: { age: KEEP_COMPLETED_SECONDS },
      removeOnFail: { age: KEEP_COMPLETED_SECONDS },
    },
  });
}
