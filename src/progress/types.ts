/**
 * Progress reporting contract (issue 5). Reports are facts appended to a log;
 * the current state of every (task, unit) is derived from the log, never
 * stored on its own, so history cannot be lost by an overwrite.
 */

/** What a unit says: 已完成 / 推进中 / 有困难 / 未启动. */
export type ReportStatus = 'done' | 'in-progress' | 'difficulty' | 'not-started';

export const REPORT_STATUS_LABEL: Record<ReportStatus, string> = {
  done: '已完成',
  'in-progress': '推进中',
  difficulty: '有困难',
  'not-started': '未启动',
};

/**
 * Where a (task, unit) stands. A unit's 已完成 only makes it pending-confirm;
 * a supervisor's confirmation (办结销号) closes it, a return sends it back.
 */
export type TaskState = 'not-started' | 'in-progress' | 'difficulty' | 'pending-confirm' | 'closed';

export const TASK_STATE_LABEL: Record<TaskState, string> = {
  'not-started': '未启动',
  'in-progress': '推进中',
  difficulty: '有困难',
  'pending-confirm': '待确认',
  closed: '已办结',
};

export type ProgressKind = 'report' | 'confirm' | 'return';

export interface ProgressEvent {
  /** Log position (e.g. a Redis Stream id); assigned by the store. */
  id: string;
  tenant: string;
  taskId: string;
  /** The unit the report is for, as written in the plan. */
  unit: string;
  kind: ProgressKind;
  /** For kind "report". */
  status?: ReportStatus;
  /** The unit's note, or the supervisor's reason for a return. */
  note: string;
  /** Who did it (Lark open_id, "console" locally) and their display name. */
  by: string;
  byName?: string;
  chatId: string;
  /** ISO 8601 instant. */
  at: string;
}

export interface TaskProgress {
  taskId: string;
  unit: string;
  state: TaskState;
  /** The latest note and when anything last happened. */
  note: string;
  updatedAt: string;
  lastReportAt?: string;
  /** Who made the last change that counted (open_id) and their name, when known. */
  updatedBy?: string;
  updatedByName?: string;
  /** Kind of the event that set the current state. */
  lastKind?: ProgressKind;
}

/** Key of a (task, unit) pair in derived state maps. */
export const progressKey = (taskId: string, unit: string) => `${taskId}\u0000${unit}`;

export interface AppendOptions {
  /**
   * Idempotency key: an append under a key already used returns the event
   * recorded then and records nothing (an inbound event processed again after
   * a crash reports once).
   */
  once?: string;
}

export interface ProgressStore {
  append(event: Omit<ProgressEvent, 'id'>, opts?: AppendOptions): Promise<ProgressEvent>;
  /** Oldest first. */
  history(tenant: string, taskId: string, unit?: string): Promise<ProgressEvent[]>;
  /** Every event of a tenant, oldest first (summaries, ledger export). */
  all(tenant: string): Promise<ProgressEvent[]>;
  /** Derived current state of every (task, unit) that has any event. */
  state(tenant: string): Promise<Map<string, TaskProgress>>;
}
