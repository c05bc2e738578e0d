import { progressKey, type ProgressEvent, type ProgressStore, type TaskProgress, type TaskState } from '../../src/progress/types.js';

/**
 * A small in-memory ProgressStore for pure summary tests (the Redis-backed
 * store is exercised by its own tests and by the weekly job tests). It folds
 * the log the way the contract describes: a unit's 已完成 makes the pair
 * 待确认, a confirmation closes it, a return sends it back to 推进中.
 */
export class MemoryProgressStore implements ProgressStore {
  private readonly events: ProgressEvent[] = [];
  private seq = 0;

  async append(event: Omit<ProgressEvent, 'id'>): Promise<ProgressEvent> {
    const e = { ...event, id: `${Date.parse(event.at)}-${this.seq++}` };
    this.events.push(e);
    return e;
  }

  async history(tenant: string, taskId: string, unit?: string): Promise<ProgressEvent[]> {
    return this.events.filter((e) => e.tenant === tenant && e.taskId === taskId && (unit === undefined || e.unit === unit));
  }

  async all(tenant: string): Promise<ProgressEvent[]> {
    return this.events.filter((e) => e.tenant === tenant);
  }

  async state(tenant: string): Promise<Map<string, TaskProgress>> {
    const out = new Map<string, TaskProgress>();
    for (const e of await this.all(tenant)) {
      const key = progressKey(e.taskId, e.unit);
      const prev = out.get(key);
      const state = next(prev?.state, e);
      out.set(key, {
        taskId: e.taskId,
        unit: e.unit,
        state,
        note: e.note || prev?.note || '',
        updatedAt: e.at,
        ...(e.kind === 'report' ? { lastReportAt: e.at } : prev?.lastReportAt ? { lastReportAt: prev.lastReportAt } : {}),
      });
    }
    return out;
  }
}

function next(prev: TaskState | undefined, e: ProgressEvent): TaskState {
  if (e.kind === 'confirm') return 'closed';
  if (e.kind === 'return') return 'in-progress';
  switch (e.status) {
    case 'done':
      return 'pending-confirm';
    case 'in-progress':
      return 'in-progress';
    case 'difficulty':
      return 'difficulty';
    case 'not-started':
      return 'not-started';
    default:
      return prev ?? 'not-started';
  }
}
