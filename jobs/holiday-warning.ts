import { Queue, Worker, type ConnectionOptions, type WorkerOptions } from 'bullmq';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { z } from 'zod';
import { shanghaiDate } from '../src/calendar/shanghai.js';
import type { HolidaySource } from '../src/calendar/workdays.js';
import type { Reply } from '../src/chat/types.js';
import { noticeWarningReply, yearNeedingNotice } from '../src/holidays/warning.js';
import { isoWeek } from '../src/summary/week.js';
import { deliveryUuidFor } from './delivery-queue.js';
import { DEFAULT_PREFIX, KEEP_COMPLETED_SECONDS } from './reminder-queue.js';

/**
 * The weekly "next year's holiday notice is missing" message to the
 * supervisors' chat. A daily node-cron tick (and one at start-up) enqueues
 * the week's job, id "holidays-2027-2026-W45": every replica and every day of
 * the week adds the same id, so the chat gets one message a week. The worker
 * checks again before sending, so a notice loaded in between stops it, and
 * the send's uuid comes from the job id, so a retry posts nothing twice.
 */

export const HOLIDAY_WARNING_QUEUE = 'holiday-warning';

const JobData = z.object({ v: z.literal(1), year: z.number().int(), week: z.string(), date: z.string() });
type JobData = z.infer<typeof JobData>;

export type WarningSend = (chatId: string, reply: Reply, uuid: string) => Promise<unknown>;

export interface HolidayWarningDeps {
  connection: ConnectionOptions;
  prefix?: string;
  /** Which source decides a year (src/calendar/workdays.ts holidaySource, with the notices installed). */
  source: (year: number) => HolidaySource;
  supervisorsChat: () => string | undefined;
  send: WarningSend;
  log: Logger;
  now?: () => Date;
  /** Daily tick (default 10:00 Asia/Shanghai); false leaves tick() to the caller (tests). */
  cron?: string | false;
  workerOptions?: Partial<WorkerOptions>;
}

export interface HolidayWarningHandle {
  queue: Queue<JobData>;
  worker: Worker<JobData>;
  /** What a tick does at `at`: the job id enqueued, or undefined when nothing is missing. */
  tick(at?: Date): Promise<string | undefined>;
  stop(): Promise<void>;
}

export function holidayWarningJobId(year: number, date: string): string {
  return `holidays-${year}-${isoWeek(date)}`;
}

export async function startHolidayWarning(deps: HolidayWarningDeps): Promise<HolidayWarningHandle> {
  const log = deps.log.child({ component: 'holiday-warning' });
  const now = deps.now ?? (() => new Date());
  const prefix = deps.prefix ?? DEFAULT_PREFIX;
  const queue = new Queue<JobData>(HOLIDAY_WARNING_QUEUE, {
    connection: deps.connection,
    prefix,
    defaultJobOptions: {
      attempts: 5,
      backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 },
      // The kept id is what makes the rest of the week's ticks no-ops.
      removeOnComplete: { age: KEEP_COMPLETED_SECONDS },
      removeOnFail: { age: KEEP_COMPLETED_SECONDS },
    },
  });

  const worker = new Worker<JobData>(
    HOLIDAY_WARNING_QUEUE,
    async (job) => {
      const data = JobData.parse(job.data);
      if (yearNeedingNotice(shanghaiDate(now()), deps.source) !== data.year) {
        log.info({ event: 'holidays.warning_skipped', year: data.year, week: data.week }, 'notice loaded since; no warning');
        return { status: 'skipped' };
      }
      const chat = deps.supervisorsChat();
      if (!chat) {
        log.warn({ event: 'holidays.warning_no_chat', year: data.year }, 'no supervisors chat (SUPERVISOR_CHAT_ID) for the holiday warning');
        return { status: 'no-chat' };
      }
      await deps.send(chat, noticeWarningReply(data.year), deliveryUuidFor(job.id ?? holidayWarningJobId(data.year, data.date), chat));
      log.info({ event: 'holidays.warning_sent', year: data.year, week: data.week, chatId: chat }, 'holiday notice warning sent');
      return { status: 'sent' };
    },
    { connection: deps.connection, prefix, concurrency: 1, ...deps.workerOptions },
  );
  worker.on('failed', (job, err) => log.warn({ event: 'holidays.warning_failed', jobId: job?.id, err: err }, 'holiday warning send failed'));

  async function tick(at: Date = now()): Promise<string | undefined> {
    const date = shanghaiDate(at);
    const year = yearNeedingNotice(date, deps.source);
    if (year === undefined) return undefined;
    const jobId = holidayWarningJobId(year, date);
    await queue.add('warn', { v: 1, year, week: isoWeek(date), date }, { jobId });
    return jobId;
  }

  let task: ScheduledTask | undefined;
  if (deps.cron !== false) {
    task = cron.schedule(
      deps.cron ?? '0 10 * * *',
      async () => {
        try {
          await tick();
        } catch (err) {
          log.error({ event: 'holidays.warning_tick_failed', err: err }, 'holiday warning tick failed');
        }
      },
      { timezone: 'Asia/Shanghai', name: 'duban-holiday-warning', noOverlap: true },
    );
  }
  await tick().catch((err: unknown) => log.error({ event: 'holidays.warning_tick_failed', err: err }, 'holiday warning tick failed'));

  return {
    queue,
    worker,
    tick,
    async stop() {
      await task?.destroy();
      const bounded = (p: Promise<unknown>) => Promise.race([p.catch(() => undefined), new Promise((r) => setTimeout(r, 5000).unref())]);
      await bounded(worker.close());
      await bounded(queue.close());
    },
  };
}
