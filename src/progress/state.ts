import { progressKey, type ProgressEvent, type TaskProgress, type TaskState } from './types.js';

/**
 * Current state of every (task, unit) from the log, oldest event first. Pure,
 * and a fold: `reduceEvent` applied one event at a time gives the same map as
 * `deriveState` over the whole list, so a store can keep state up to date
 * incrementally.
 *
 * Rules (issue 5):
 * - report 已完成 -> 待确认 (a supervisor still has to confirm);
 *   推进中 / 有困难 / 未启动 -> that state;
 * - confirm (办结销号) -> 已办结;
 * - return (退回) -> 推进中, with the supervisor's reason as the note;
 * - a report after 已办结 changes nothing (it stays in the history). Commands
 *   refuse to return a closed task (src/progress/report.ts); a return already
 *   in an old log still folds to 推进中.
 */

export function nextState(current: TaskState | undefined, event: Pick<ProgressEvent, 'kind' | 'status'>): TaskState | undefined {
  switch (event.kind) {
    case 'confirm':
      return 'closed';
    case 'return':
      return 'in-progress';
    case 'report':
      if (current === 'closed' || !event.status) return current;
      return event.status === 'done' ? 'pending-confirm' : event.status;
  }
}

/** Apply one event to the map in place; returns the (task, unit) entry afterwards. */
export function reduceEvent(map: Map<string, TaskProgress>, event: ProgressEvent): TaskProgress | undefined {
  const key = progressKey(event.taskId, event.unit);
  const prev = map.get(key);
  const state = nextState(prev?.state, event);
  if (state === undefined) return prev;
  const lastReportAt = event.kind === 'report' ? event.at : prev?.lastReportAt;
  if (event.kind === 'report' && (prev?.state === 'closed' || !event.status)) {
    // Ignored for state; only the last report time moves (the unit did speak).
    if (!prev) return undefined;
    const kept: TaskProgress = { ...prev, ...(lastReportAt ? { lastReportAt } : {}) };
    map.set(key, kept);
    return kept;
  }
  const next: TaskProgress = {
    taskId: event.taskId,
    unit: event.unit,
    state,
    note: event.note,
    updatedAt: event.at,
    updatedBy: event.by,
    ...(event.byName ? { updatedByName: event.byName } : {}),
    lastKind: event.kind,
    ...(lastReportAt ? { lastReportAt } : {}),
  };
  map.set(key, next);
  return next;
}

export function deriveState(events: Iterable<ProgressEvent>): Map<string, TaskProgress> {
  const map = new Map<string, TaskProgress>();
  for (const e of events) reduceEvent(map, e);
  return map;
}

/** State of one (task, unit) from its own events; 'not-started' when nothing was ever reported. */
export function stateOf(events: Iterable<ProgressEvent>, taskId: string, unit: string): TaskProgress | undefined {
  const map = new Map<string, TaskProgress>();
  for (const e of events) if (e.taskId === taskId && e.unit === unit) reduceEvent(map, e);
  return map.get(progressKey(taskId, unit));
}
