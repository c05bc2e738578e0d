import { z } from 'zod';
import { RecurrenceRule } from '../plan/schema.js';

/**
 * What a reminder is. `before-N` and `due` warn ahead of a one-off deadline;
 * `overdue` (催办, to the unit) and `escalate` (通报, to the supervisors) chase
 * it afterwards; `recurring` covers periodic duties (每月/每季度…), with
 * `offsetDays` saying how far ahead of the period end it fires.
 */
export const REMINDER_KINDS = ['before-7', 'before-3', 'before-1', 'due', 'overdue', 'escalate', 'recurring'] as const;
export const ReminderKind = z.enum(REMINDER_KINDS);
export type ReminderKind = z.infer<typeof ReminderKind>;

export const ReminderTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('unit'), unit: z.string().min(1) }),
  z.object({ kind: z.literal('supervisors') }),
]);
export type ReminderTarget = z.infer<typeof ReminderTarget>;

/**
 * Another duty of the same task told in the same message: same unit, same
 * chat, same minute (季度报送 and 每半年自查 both ending 30 June). One message
 * lists them all instead of two near-identical cards.
 */
export const CoDuty = z.object({
  dueDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  deadlineText: z.string(),
  kind: ReminderKind,
  offsetDays: z.number().int().optional(),
  rule: RecurrenceRule.optional(),
});
export type CoDuty = z.infer<typeof CoDuty>;

export interface Reminder {
  /** Deterministic: same tenant, task, unit, due date, kind (and repeat/offset) → same id. */
  id: string;
  tenant: string;
  taskId: string;
  /** The plan document the task comes from. */
  file: string;
  docTitle: string;
  path: string[];
  /** The task's short title, for the card. */
  title: string;
  /** The responsible unit as the directory names it; for generic or missing leads, a label. */
  unit: string;
  /** The deadline (or period end) itself, before any holiday shift. */
  dueDate: string;
  /** The time limit as written ("年底前", "每季度"). */
  deadlineText: string;
  kind: ReminderKind;
  /** Days before dueDate the notice belongs to (7/3/1; 0 for due day), for before-N and recurring. */
  offsetDays?: number;
  /** 0 for the first overdue/escalate; n for the n-th weekly repeat. Always 0 for other kinds. */
  repeat: number;
  rule?: RecurrenceRule;
  /** Working day the reminder fires on, Asia/Shanghai. */
  fireDate: string;
  fireAt: Date;
  /** The non-working day the reminder was moved off (it would have fired then). */
  movedFrom?: string;
  target: ReminderTarget;
  /** Other duties of this task due in the same message (see CoDuty); absent when none. */
  also?: CoDuty[];
}

/** Knobs; all have the defaults the issue asks for. */
export const ReminderConfig = z.object({
  tenant: z.string().min(1).default('local'),
  /** Local time of day every reminder fires at, HH:MM Asia/Shanghai. */
  time: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM')
    .default('09:00'),
  /**
   * Days before a deadline to send a notice; the due-day notice is always sent
   * (0 is accepted and means just that). Only 7, 3 and 1 have a kind in the
   * schedule contract; other offsets are not scheduled.
   */
  offsets: z.array(z.number().int().min(0).max(366)).default([7, 3, 1]),
  /** Working days after the 催办 before the 通报 to the supervisors. */
  escalateAfterWorkdays: z.number().int().min(1).max(30).default(3),
  /** Calendar days between repeats of 催办/通报 while a task stays overdue. */
  repeatEveryDays: z.number().int().min(1).max(60).default(7),
});
export type ReminderConfig = z.infer<typeof ReminderConfig>;
export type ReminderConfigInput = z.input<typeof ReminderConfig>;

/**
 * Maps a lead as written to the unit directory's canonical name (aliases,
 * traditional characters…); undefined when the directory does not know it,
 * in which case the name is used as written.
 */
export type UnitResolver = (name: string) => string | undefined;
