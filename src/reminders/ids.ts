import { createHash } from 'node:crypto';

/**
 * A reminder's identity, independent of when it fires: replanning the same
 * ledger (twice, after a restart, on three replicas) yields the same ids, and
 * a holiday-table update only moves the job. Hex with a letter prefix: BullMQ
 * rejects custom ids that are integers or contain ':'.
 */
export function reminderId(parts: {
  tenant: string;
  taskId: string;
  unit: string;
  dueDate: string;
  kind: string;
  /** offset for before/recurring notices, repeat index for the overdue ladder */
  variant?: number;
}): string {
  const key = JSON.stringify([parts.tenant, parts.taskId, parts.unit, parts.dueDate, parts.kind, parts.variant ?? 0]);
  return `rem-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

