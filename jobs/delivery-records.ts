import type { Job, Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { DeliveryLog, DeliveryRecord, DeliveryStatus, ReminderOutcome, ReminderRecord } from '../src/chat/deliveries.js';

// The queues' names and default prefix, as jobs/delivery-queue.ts and jobs/reminder-queue.ts define them.
// Not imported from there: those modules load bullmq, which the terminal chat must not pay for at start-up
// (test/handlers/diagnose.test.ts checks they agree).
export const RECORD_QUEUES = { reminders: 'reminders', deliveries: 'delivery', prefix: '{duban}' } as const;

/**
 * DeliveryLog over the BullMQ queues: the newest `scan` reminder and delivery
 * jobs (completed, failed, and still pending) are read and filtered by tenant
 * and unit. BullMQ keeps finished jobs for 60 days (KEEP_COMPLETED_SECONDS),
 * so this is the record. bullmq is imported on first use: the terminal chat
 * must not pay for it at start-up.
 */
export function createDeliveryRecords(deps: { connection: Redis | Cluster; prefix?: string; scan?: number }): DeliveryLog & { close(): Promise<void> } {
  const scan = deps.scan ?? 1000;
  let queues: Promise<{ reminders: Queue; deliveries: Queue }> | undefined;
  const open = () =>
    (queues ??= import('bullmq').then(({ Queue }) => ({
      reminders: new Queue(RECORD_QUEUES.reminders, { connection: deps.connection, prefix: deps.prefix ?? RECORD_QUEUES.prefix }),
      deliveries: new Queue(RECORD_QUEUES.deliveries, { connection: deps.connection, prefix: deps.prefix ?? RECORD_QUEUES.prefix }),
    })));

  const iso = (ms: number | undefined) => new Date(ms ?? 0).toISOString();

  function reminderRecord(job: Job, failed: boolean): ReminderRecord | undefined {
    const d = job.data as Record<string, unknown>;
    if (typeof d.id !== 'string') return undefined;
    const rv = (job.returnvalue ?? {}) as { status?: string; chats?: string[]; fallback?: boolean };
    const outcome: ReminderOutcome = failed ? 'failed' : job.finishedOn ? ((rv.status as ReminderOutcome | undefined) ?? 'queued') : 'pending';
    return {
      at: iso(job.finishedOn ?? job.timestamp + (job.delay ?? 0)),
      fireDate: String(d.fireDate ?? ''),
      kind: String(d.kind ?? ''),
      ...(typeof d.offsetDays === 'number' ? { offsetDays: d.offsetDays } : {}),
      taskId: String(d.taskId ?? ''),
      title: `${Array.isArray(d.path) ? d.path.join('') : ''}${String(d.title ?? '')}`,
      outcome,
      chats: Array.isArray(rv.chats) ? rv.chats.map(String) : [],
      fallback: rv.fallback === true,
      ...(failed && job.failedReason ? { reason: job.failedReason } : {}),
    };
  }

  function deliveryStatus(state: string, job: Job): DeliveryStatus {
    if (state === 'completed') return 'sent';
    if (state === 'failed') return 'failed';
    if (state === 'active') return 'sending';
    return job.attemptsMade > 0 ? 'retrying' : 'waiting';
  }

  return {
    async forUnit(tenant, unit, chatIds, opts = {}) {
      const limit = opts.limit ?? 10;
      const { reminders, deliveries } = await open();
      const refs = new Set<string>();
      const reminderList: ReminderRecord[] = [];
      for (const state of ['completed', 'failed', 'delayed', 'waiting'] as const) {
        const jobs = await reminders.getJobs([state], 0, scan - 1, false);
        for (const job of jobs) {
          const d = job?.data as { tenant?: string; unit?: string; id?: string } | undefined;
          if (!job || d?.tenant !== tenant || d.unit !== unit) continue;
          const r = reminderRecord(job, state === 'failed');
          if (!r) continue;
          refs.add(d.id!);
          // Pending ones matter only as "not yet due"; the finished ones answer "what happened".
          if (state === 'completed' || state === 'failed') reminderList.push(r);
        }
      }
      const chats = new Set(chatIds);
      const deliveryList: DeliveryRecord[] = [];
      for (const state of ['completed', 'failed', 'active', 'waiting', 'delayed'] as const) {
        const jobs = await deliveries.getJobs([state], 0, scan - 1, false);
        for (const job of jobs) {
          const d = job?.data as { tenant?: string; chatId?: string; ref?: string; reply?: { title?: string } } | undefined;
          if (!job || d?.tenant !== tenant || !d.chatId || !d.ref) continue;
          if (!refs.has(d.ref) && !chats.has(d.chatId)) continue;
          deliveryList.push({
            at: iso(job.finishedOn ?? job.processedOn ?? job.timestamp),
            chatId: d.chatId,
            ref: d.ref,
            title: d.reply?.title ?? '',
            status: deliveryStatus(state, job),
            attempts: job.attemptsMade,
            ...(job.failedReason ? { reason: job.failedReason } : {}),
          });
        }
      }
      const newest = <T extends { at: string }>(a: T, b: T) => b.at.localeCompare(a.at);
      return { reminders: reminderList.sort(newest).slice(0, limit), deliveries: deliveryList.sort(newest).slice(0, limit), scanned: scan };
    },
    async close() {
      if (!queues) return;
      const q = await queues;
      await Promise.all([q.reminders.close(), q.deliveries.close()]);
    },
  };
}
