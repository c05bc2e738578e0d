import type { Queue, Worker, WorkerOptions } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { shanghaiDate } from '../src/calendar/shanghai.js';
import type { Plans } from '../src/chat/context.js';
import type { Config } from '../src/config.js';
import type { ProgressStore } from '../src/progress/types.js';
import type { BindingStore } from '../src/store/bindings.js';
import { DEFAULT_PREFIX } from './reminder-queue.js';
import { createWeeklyQueue, weeklyJobId, type WeeklyJobData, type WeeklyKind } from './weekly-queue.js';
import { firesOn, parseWeeklySchedule, type WeeklySchedule } from './weekly-schedule.js';
import { createWeeklyWorker, type WeeklyOutcome, type WeeklySend } from './weekly-worker.js';
import { isoWeek } from '../src/summary/week.js';

/**
 * The weekly rhythm (周调度): node-cron ticks in Asia/Shanghai at
 * WEEKLY_CALL_CRON (催报, default Thursday 10:00) and WEEKLY_SUMMARY_CRON
 * (summary, default Friday 16:00), moved to the previous working day when the
 * day is a holiday. A tick only enqueues the week's job (id "summary-2026-W47");
 * the worker sends. At start-up, a tick that should already have fired today
 * is enqueued once (catch-up): a bot that was down at 16:00 and comes back at
 * 17:00 still sends Friday's summary, and one that already sent it does not
 * send it again (the job id is kept).
 */

export interface StartWeeklyDeps {
  /** BullMQ connection (RedisConnections.queue: maxRetriesPerRequest null). */
  redis: { queue: Redis | Cluster };
  config: { weekly: Config['weekly']; roles: Pick<Config['roles'], 'supervisorChatId'>; redis: Pick<Config['redis'], 'queuePrefix'> };
  plans: Plans | (() => Plans);
  store: Pick<ProgressStore, 'state' | 'all'>;
  bindings: BindingStore;
  send: WeeklySend;
  /** Default ["local"]. */
  tenants?: string[] | (() => string[] | Promise<string[]>);
  log: Logger;
  now?: () => Date;
  /** Schedule node-cron ticks (default true); false leaves start-up catch-up and tick() (tests). */
  cron?: boolean;
  /** Run a worker in this process (default true). */
  worker?: boolean;
  workerOptions?: Partial<WorkerOptions>;
}

export interface WeeklyHandle {
  queue: Queue<WeeklyJobData>;
  worker?: Worker<WeeklyJobData, WeeklyOutcome>;
  schedules: Record<WeeklyKind, WeeklySchedule>;
  /** What a cron tick does at `at` (default now): enqueue the jobs due today. Returns their ids. */
  tick(kind: WeeklyKind, at?: Date): Promise<string[]>;
  /** Enqueue today's ticks whose time has passed (done once at start). Returns ids newly added. */
  catchUp(at?: Date): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startWeekly(deps: StartWeeklyDeps): Promise<WeeklyHandle> {
  const log = deps.log.child({ component: 'weekly' });
  const now = deps.now ?? (() => new Date());
  const prefix = deps.config.redis.queuePrefix ?? DEFAULT_PREFIX;
  const schedules: Record<WeeklyKind, WeeklySchedule> = {
    call: parseWeeklySchedule(deps.config.weekly.callCron),
    summary: parseWeeklySchedule(deps.config.weekly.summaryCron),
  };
  const plans = typeof deps.plans === 'function' ? deps.plans : () => deps.plans as Plans;
  const tenants = typeof deps.tenants === 'function' ? deps.tenants : () => (deps.tenants as string[] | undefined) ?? ['local'];
  const queue = createWeeklyQueue({ connection: deps.redis.queue, prefix });

  async function enqueue(kind: WeeklyKind, at: Date, via: WeeklyJobData['via']): Promise<string[]> {
    const date = shanghaiDate(at);
    const due = firesOn(schedules[kind], date).filter((f) => via === 'tick' || at.getTime() >= f.at.getTime());
    const added: string[] = [];
    for (const f of due) {
      const jobId = weeklyJobId(kind, f.nominal);
      const existed = (await queue.getJob(jobId)) !== undefined;
      const data: WeeklyJobData = { v: 1, kind, week: isoWeek(f.nominal), nominal: f.nominal, fireDate: f.date, via };
      // Every replica adds the same id; BullMQ keeps the first and ignores the rest.
      await queue.add(kind, data, { jobId });
      if (!existed) added.push(jobId);
      log.info({ event: existed ? 'weekly.exists' : via === 'tick' ? 'weekly.enqueued' : 'weekly.caught_up', kind, jobId, nominal: f.nominal, fireDate: f.date }, existed ? 'weekly job already there' : 'weekly job enqueued');
    }
    return added;
  }

  let worker: Worker<WeeklyJobData, WeeklyOutcome> | undefined;
  if (deps.worker !== false) {
    worker = createWeeklyWorker({
      connection: deps.redis.queue,
      plans,
      store: deps.store,
      bindings: deps.bindings,
      send: deps.send,
      tenants,
      supervisorsChat: () => deps.config.roles.supervisorChatId,
      summarySchedule: schedules.summary,
      log: deps.log,
      prefix,
      now,
      ...(deps.workerOptions ? { workerOptions: deps.workerOptions } : {}),
    });
  }

  const tasks: ScheduledTask[] = [];
  if (deps.cron !== false) {
    for (const kind of ['call', 'summary'] as const) {
      const task = cron.schedule(
        schedules[kind].daily,
        async () => {
          try {
            await enqueue(kind, now(), 'tick');
          } catch (err) {
            log.error({ event: 'weekly.tick_failed', kind, err: err }, 'weekly tick could not enqueue');
          }
        },
        { timezone: deps.config.weekly.timezone, name: `duban-weekly-${kind}`, noOverlap: true },
      );
      tasks.push(task);
    }
  }

  const handle: WeeklyHandle = {
    queue,
    ...(worker ? { worker } : {}),
    schedules,
    tick: (kind, at) => enqueue(kind, at ?? now(), 'tick'),
    async catchUp(at) {
      const t = at ?? now();
      return [...(await enqueue('call', t, 'catch-up')), ...(await enqueue('summary', t, 'catch-up'))];
    },
    async stop() {
      for (const t of tasks) await t.destroy();
      const bounded = (p: Promise<unknown>) => Promise.race([p.catch(() => undefined), new Promise((r) => setTimeout(r, 5000).unref())]);
      if (worker) await bounded(worker.close());
      await bounded(queue.close());
    },
  };

  try {
    await handle.catchUp();
  } catch (err) {
    log.error({ event: 'weekly.catch_up_failed', err: err }, 'weekly catch-up failed');
  }
  return handle;
}
