/**
 * The port through which /诊断 reads what happened to a unit's reminders:
 * the reminder jobs that fired for it and the messages queued for its chats
 * (or for the supervisors' chat in its place). Implemented over BullMQ in
 * jobs/delivery-records.ts; handlers see only this shape.
 */

export type ReminderOutcome = 'queued' | 'no-chat' | 'done' | 'stale' | 'failed' | 'pending';
export type DeliveryStatus = 'sent' | 'failed' | 'waiting' | 'retrying' | 'sending';

export interface ReminderRecord {
  /** ISO instant it ran (or is due, when pending). */
  at: string;
  fireDate: string;
  kind: string;
  /** Days before the deadline (notices and recurring ones). */
  offsetDays?: number;
  taskId: string;
  title: string;
  outcome: ReminderOutcome;
  /** Chats it was queued for. */
  chats: string[];
  /** True when it went to the supervisors' chat because the unit has none. */
  fallback: boolean;
  reason?: string;
}

export interface DeliveryRecord {
  at: string;
  chatId: string;
  /** The reminder id the message is about. */
  ref: string;
  title: string;
  status: DeliveryStatus;
  attempts: number;
  reason?: string;
}

export interface UnitDeliveries {
  reminders: ReminderRecord[];
  deliveries: DeliveryRecord[];
  /** Jobs looked at per queue; older ones were not read. */
  scanned: number;
}

export interface DeliveryLog {
  /** Newest first; `chatIds` are the unit's bound chats (their messages count even without a reminder of the unit). */
  forUnit(tenant: string, unit: string, chatIds: readonly string[], opts?: { limit?: number }): Promise<UnitDeliveries>;
}
