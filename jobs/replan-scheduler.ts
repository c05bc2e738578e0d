import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import { DEFAULT_PREFIX } from './reminder-queue.js';

/**
 * The daily replan: reminder jobs are created for a rolling horizon (60 days
 * by default), so once a day the plans must be synced again to add what has
 * come into range (later deadlines, further weekly 催办 repeats) and to
 * reconcile anything Redis lost. A BullMQ job scheduler makes one job per tick
 * for the whole deployment, so exactly one replica replans each day (and the
 * planning lease covers overlaps with start-up or plan-load replans).
 */

export const REPLAN_QUEUE = 'reminder-replan';
export const REPLAN_SCHEDULER = 'daily-replan';

export interface ReplanOptions {
  connection: ConnectionOptions;
  prefix?: string;
  /** cron pattern in Asia/Shanghai; default 05:00 daily, before the 09:00 reminders. */
  pattern?: string;
  /** Replan every tenant's plans (typically: for each tenant, planReminderJobs). */
  run: () => Promise<void>;
  log: Logger;
}

export interface ReplanHandle {
  close(): Promise<void>;
}

export async function startDailyReplan(opts: ReplanOptions): Promise<ReplanHandle> {
  const prefix = opts.prefix ?? DEFAULT_PREFIX;
  const queue = new Queue(REPLAN_QUEUE, { connection: opts.connection, prefix });
  // Upsert: every replica calls this at start-up; the scheduler stays one.
  await queue.upsertJobScheduler(
    REPLAN_SCHEDULER,
    { pattern: opts.pattern ?? '0 5 * * *', tz: 'Asia/Shanghai' },
    { name: 'replan', opts: { removeOnComplete: { count: 30 }, removeOnFail: { count: 30 } } },
  );
  const worker = new Worker(
    REPLAN_QUEUE,
    async () => {
      const started = Date.now();
      await opts.run();
      opts.log.info({ event: 'reminders.daily_replan', ms: Date.now() - started }, 'daily replan done');
    },
    { connection: opts.connection, prefix, concurrency: 1 },
  );
  worker.on('failed', (_job, err) => opts.log.error({ event: 'reminders.daily_replan_failed', err: err }, 'daily replan failed'));
  worker.on('error', (err) => opts.log.error({ event: 'reminders.replan_worker_error', err: err }, 'replan worker error'));
  return {
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
