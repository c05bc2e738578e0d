import { createHash } from 'node:crypto';
import { Queue, type ConnectionOptions } from 'bullmq';
import { z } from 'zod';
import { RecurrenceRule } from '../src/plan/schema.js';
import { CoDuty, ReminderKind, ReminderTarget, type Reminder } from '../src/reminders/types.js';

/**
 * The reminder queue: one delayed job per planned reminder, job id = reminder
 * id, so adding a reminder that already exists (pending, or sent and kept in
 * the completed set) is a no-op in BullMQ.
 *
 * Key layout: every queue and helper key starts with the prefix, default
 * "{duban}". The braces are a Redis Cluster hash tag: all keys land in one
 * slot, which BullMQ's multi-key scripts and our own Lua require.
 */

export const DEFAULT_PREFIX = '{duban}';
export const REMINDER_QUEUE = 'reminders';
export const REMINDER_JOB = 'reminder';

/** Sent reminders stay in the completed set this long: they are what makes a replan a no-op. */
export const KEEP_COMPLETED_SECONDS = 60 * 24 * 3600;
/** Replanning looks back this far, so reminders missed while every worker was down still fire. */
export const LOOKBACK_DAYS = 14;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const ReminderJobData = z.object({
  v: z.literal(1),
  id: z.string().min(1),
  tenant: z.string().min(1),
  taskId: z.string(),
  file: z.string(),
  docTitle: z.string(),
  path: z.array(z.string()),
  title: z.string(),
  unit: z.string(),
  dueDate: isoDate,
  deadlineText: z.string(),
  kind: ReminderKind,
  offsetDays: z.number().int().optional(),
  repeat: z.number().int().min(0),
  rule: RecurrenceRule.optional(),
  fireDate: isoDate,
  /** ISO instant. */
  fireAt: z.string(),
  movedFrom: isoDate.optional(),
  target: ReminderTarget,
  also: z.array(CoDuty).max(20).optional(),
});
export type ReminderJobData = z.infer<typeof ReminderJobData>;

export function toJobData(r: Reminder): ReminderJobData {
  const data: ReminderJobData = {
    v: 1,
    id: r.id,
    tenant: r.tenant,
    taskId: r.taskId,
    file: r.file,
    docTitle: r.docTitle,
    path: r.path,
    title: r.title,
    unit: r.unit,
    dueDate: r.dueDate,
    deadlineText: r.deadlineText,
    kind: r.kind,
    repeat: r.repeat,
    fireDate: r.fireDate,
    fireAt: r.fireAt.toISOString(),
    target: r.target,
  };
  if (r.offsetDays !== undefined) data.offsetDays = r.offsetDays;
  if (r.rule !== undefined) data.rule = r.rule;
  if (r.movedFrom !== undefined) data.movedFrom = r.movedFrom;
  if (r.also?.length) data.also = r.also;
  return data;
}

/** Changes whenever anything the job would say or when it fires changes. */
export function fingerprint(data: ReminderJobData): string {
  return createHash('sha256').update(JSON.stringify(data)).digest('base64url').slice(0, 22);
}

export interface QueueConfig {
  connection: ConnectionOptions;
  /** Default "{duban}"; tests pass a unique one. Keep a {hash tag} for Cluster. */
  prefix?: string;
}

export function createReminderQueue(cfg: QueueConfig): Queue<ReminderJobData> {
  return new Queue<ReminderJobData>(REMINDER_QUEUE, {
    connection: cfg.connection,
    prefix: cfg.prefix ?? DEFAULT_PREFIX,
    defaultJobOptions: {
      attempts: 5,
      backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 },
      removeOnComplete: { age: KEEP_COMPLETED_SECONDS },
      removeOnFail: { age: KEEP_COMPLETED_SECONDS },
    },
  });
}
