import type { Deadline, PlanDocument, Task } from '../plan/schema.js';

/**
 * What a revised plan changes against the version it replaces, for the
 * import reply: tasks added and removed, and deadlines moved. Pure.
 *
 * Tasks are matched by numbering path first (the same file name gives the
 * same ids); what is left is matched by title, so a renumbered item is not
 * reported as one removal and one addition.
 */

export interface DeadlineMove {
  task: Task;
  from: Deadline[];
  to: Deadline[];
}

export interface PlanDiff {
  added: Task[];
  removed: Task[];
  moved: DeadlineMove[];
}

export interface PlanFigures {
  tasks: number;
  /** Tasks whose text names a lead (牵头单位) explicitly. */
  withLeads: number;
  /** Tasks with at least one dated deadline. */
  withDeadlines: number;
  /** Tasks with a recurring duty (每月、每季度…). */
  recurring: number;
}

export function planFigures(doc: PlanDocument): PlanFigures {
  return {
    tasks: doc.tasks.length,
    withLeads: doc.tasks.filter((t) => t.leads.length > 0).length,
    withDeadlines: doc.tasks.filter((t) => t.deadlines.length > 0).length,
    recurring: doc.tasks.filter((t) => t.recurring.length > 0).length,
  };
}

const pathKey = (t: Task) => t.path.join('');
const dates = (ds: readonly Deadline[]) => [...new Set(ds.map((d) => d.date))].sort();

export function diffPlans(previous: PlanDocument | undefined, next: PlanDocument): PlanDiff {
  if (!previous) return { added: [], removed: [], moved: [] };
  const pairs: Array<[Task, Task]> = [];
  const oldLeft = new Map<string, Task>();
  for (const t of previous.tasks) if (!oldLeft.has(pathKey(t))) oldLeft.set(pathKey(t), t);
  const newLeft: Task[] = [];
  for (const t of next.tasks) {
    const old = oldLeft.get(pathKey(t));
    if (old && (old.title === t.title || sameStart(old, t))) {
      pairs.push([old, t]);
      oldLeft.delete(pathKey(t));
    } else {
      newLeft.push(t);
    }
  }
  const byTitle = new Map<string, Task>();
  for (const t of oldLeft.values()) if (!byTitle.has(t.title)) byTitle.set(t.title, t);
  const added: Task[] = [];
  for (const t of newLeft) {
    const old = byTitle.get(t.title);
    if (old) {
      pairs.push([old, t]);
      byTitle.delete(t.title);
      oldLeft.delete(pathKey(old));
    } else {
      added.push(t);
    }
  }
  const moved: DeadlineMove[] = [];
  for (const [old, t] of pairs) {
    const a = dates(old.deadlines);
    const b = dates(t.deadlines);
    if (a.join() !== b.join()) moved.push({ task: t, from: old.deadlines, to: t.deadlines });
  }
  const order = new Map(next.tasks.map((t, i) => [t, i]));
  moved.sort((x, y) => (order.get(x.task) ?? 0) - (order.get(y.task) ?? 0));
  return { added, removed: [...oldLeft.values()], moved };
}

/** Same numbering and the same opening words: a title edited, not a new task. */
function sameStart(a: Task, b: Task): boolean {
  const n = Math.min(6, a.title.length, b.title.length);
  return n >= 4 && a.title.slice(0, n) === b.title.slice(0, n);
}

export function isEmptyDiff(d: PlanDiff): boolean {
  return d.added.length === 0 && d.removed.length === 0 && d.moved.length === 0;
}
