import { UnrecoverableError, Worker, type ConnectionOptions, type Job, type WorkerOptions, type Queue } from 'bullmq';
import type { Logger } from 'pino';
import { addDays, shanghaiDate } from '../src/calendar/shanghai.js';
import { reminderReply } from '../src/reminders/message.js';
import type { BindingStore } from '../src/store/bindings.js';
import type { Cluster, Redis } from 'ioredis';
import { DELIVERY_JOB, deliveryJobId, deliveryUuidFor, enqueueDeliveries, type DeliveryJobData } from './delivery-queue.js';
import { DEFAULT_PREFIX, REMINDER_QUEUE, ReminderJobData } from './reminder-queue.js';

/**
 * When a reminder falls due: is the task still open (asked now, not when it
 * was planned)? Which chat gets it (the unit's bound groups; the supervisors'
 * chat for generic/lead-less items, escalations, and units with no usable
 * group)? Then one delivery job per chat, with ids derived from the reminder,
 * so running this twice queues nothing twice.
 */

/** Is the task reported done by this unit? The progress-report issue supplies the real one. */
export type IsDone = (taskId: string, unit: string, reminder: ReminderJobData) => Promise<boolean>;

export interface ReminderWorkerDeps {
  connection: ConnectionOptions;
  deliveryQueue: Queue<DeliveryJobData>;
  /**
   * Plain client that records each chat's delivery order (production: always
   * pass it). Without it deliveries are queued unordered.
   */
  redis?: Redis | Cluster;
  bindings: BindingStore;
  /** The supervisors' chat of a tenant (SUPERVISOR_CHAT_ID), if configured. */
  supervisorsChat: (tenant: string) => string | undefined;
  isDone?: IsDone;
  log: Logger;
  prefix?: string;
  now?: () => Date;
  concurrency?: number;
  /** Extra BullMQ worker options (tests shorten lockDuration/stalledInterval). */
  workerOptions?: Partial<WorkerOptions>;
}

export type ReminderOutcome =
  | { status: 'queued'; chats: string[]; fallback: boolean }
  | { status: 'done' | 'stale' | 'no-chat' };

/** Days after which a pending 催办/通报 is dropped: next week's repeat says the same, with current numbers. */
const LADDER_STALE_DAYS = 6;

export const neverDone: IsDone = async () => false;

export function createReminderProcessor(deps: ReminderWorkerDeps) {
  const log = deps.log.child({ component: 'reminders' });
  const now = deps.now ?? (() => new Date());
  const isDone = deps.isDone ?? neverDone;

  return async function fire(job: Job<ReminderJobData>): Promise<ReminderOutcome> {
    const parsed = ReminderJobData.safeParse(job.data);
    if (!parsed.success) {
      log.error({ event: 'reminder.bad_payload', jobId: job.id, issues: parsed.error.issues.slice(0, 3) }, 'malformed reminder job');
      throw new UnrecoverableError('malformed reminder job');
    }
    const r = parsed.data;
    const today = shanghaiDate(now());
    const ctx = { reminderId: r.id, tenant: r.tenant, taskId: r.taskId, unit: r.unit, kind: r.kind, dueDate: r.dueDate };

    // Fired late (every worker was down): a notice about a deadline that has passed, or an old 催办, is noise.
    const notice = r.kind !== 'overdue' && r.kind !== 'escalate';
    if ((notice && today > r.dueDate) || (!notice && r.fireDate < addDays(today, -LADDER_STALE_DAYS))) {
      log.info({ event: 'reminder.stale', ...ctx, fireDate: r.fireDate }, 'reminder fired too late to be useful; dropped');
      return { status: 'stale' };
    }
    if (await isDone(r.taskId, r.unit, r)) {
      log.info({ event: 'reminder.skipped_done', ...ctx }, 'task already done; no reminder');
      return { status: 'done' };
    }

    let chats: string[] = [];
    let fallback = false;
    if (r.target.kind === 'unit') {
      const bound = await deps.bindings.chatsForUnit(r.tenant, r.target.unit);
      chats = bound.filter((b) => !b.flagged).map((b) => b.chatId);
      if (chats.length === 0) fallback = true;
    }
    if (r.target.kind === 'supervisors' || fallback) {
      const sup = deps.supervisorsChat(r.tenant);
      chats = sup ? [sup] : [];
    }
    if (chats.length === 0) {
      log.error({ event: 'reminder.no_chat', ...ctx, fallback }, 'no chat to send the reminder to (unit unbound and no supervisors chat configured)');
      return { status: 'no-chat' };
    }

    const reply = reminderReply(r, fallback ? { today, unboundUnit: r.unit } : { today });
    const items = chats.map((chatId) => ({ data: { v: 1 as const, tenant: r.tenant, chatId, ref: r.id, uuid: deliveryUuidFor(r.id, chatId), reply } }));
    if (deps.redis) await enqueueDeliveries(deps.deliveryQueue, deps.redis, items, deps.prefix ?? DEFAULT_PREFIX);
    else await deps.deliveryQueue.addBulk(items.map(({ data }) => ({ name: DELIVERY_JOB, data, opts: { jobId: deliveryJobId(data.ref, data.chatId) } })));
    log.info({ event: 'reminder.queued', ...ctx, chats: chats.length, fallback }, 'reminder queued for delivery');
    return { status: 'queued', chats, fallback };
  };
}

export function createReminderWorker(deps: ReminderWorkerDeps): Worker<ReminderJobData, ReminderOutcome> {
  const worker = new Worker<ReminderJobData, ReminderOutcome>(REMINDER_QUEUE, createReminderProcessor(deps), {
    connection: deps.connection,
    ...deps.workerOptions,
    prefix: deps.prefix ?? DEFAULT_PREFIX,
    concurrency: deps.concurrency ?? 4,
  });
  worker.on('error', (err) => deps.log.error({ event: 'reminder.worker_error', err: err }, 'reminder worker error'));
  return worker;
}
