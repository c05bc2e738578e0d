import type { Plans } from '../chat/context.js';
import type { PlanDocument, Task } from '../plan/schema.js';
import { isGenericUnit } from '../reminders/targets.js';
import { isAmbiguous } from '../search/index.js';
import { findNumberRef, matchPath } from '../search/numbering.js';
import type { UnitDirectory } from '../units/directory.js';

/**
 * Which task a person means in "/进展 <任务> …": a task id (card buttons), a
 * numbering path ("三（二）1"), or keywords. Pure. When the sender's unit is
 * known, candidates that do not involve it are set aside first, so "三（二）1"
 * in a bound group means that unit's 三（二）1 even when several plans have one.
 */

export interface TaskHit {
  task: Task;
  doc: PlanDocument;
}

export type TaskResolution =
  | { kind: 'found'; hit: TaskHit }
  | { kind: 'ambiguous'; candidates: TaskHit[] }
  | { kind: 'none' };

const MAX_CANDIDATES = 5;

export function taskById(plans: Pick<Plans, 'ledger'>, id: string): TaskHit | undefined {
  for (const doc of plans.ledger.documents) {
    const task = doc.tasks.find((t) => t.id === id);
    if (task) return { task, doc };
  }
  return undefined;
}

/**
 * Named units responsible for a task, as the plan writes them: item leads,
 * clause leads, co-units (item and clause). Classes of units ("各有关单位")
 * are left out: nobody can report for them.
 */
export function taskUnits(task: Task): string[] {
  const names = [...task.leads, ...task.clauses.flatMap((c) => c.leads), ...task.co, ...task.clauses.flatMap((c) => c.co)];
  const out: string[] = [];
  for (const raw of names) {
    const n = raw.trim();
    if (!n || isGenericUnit(n, task.genericUnits) || out.includes(n)) continue;
    out.push(n);
  }
  return out;
}

/** Named lead units only (item and clause leads), as written. */
export function taskLeads(task: Task): string[] {
  const out: string[] = [];
  for (const raw of [...task.leads, ...task.clauses.flatMap((c) => c.leads)]) {
    const n = raw.trim();
    if (n && !isGenericUnit(n, task.genericUnits) && !out.includes(n)) out.push(n);
  }
  return out;
}

/** The task's own spelling of `unit` (县发改局 for 庆元县发展和改革局), or undefined when the task does not involve it. */
export function unitInTask(task: Task, unit: string, units: UnitDirectory): string | undefined {
  const names = taskUnits(task);
  return names.find((n) => n === unit) ?? names.find((n) => units.sameUnit(n, unit));
}

/** "一、（一）深化财政预算信息公开" */
export function taskLabel(task: Task): string {
  return `${task.path.join('')}${task.title}`.trim();
}

/**
 * Prefer the unit's own tasks; failing that, tasks of the plans that name the
 * unit at all (a group's "一（二）" is in its own plan, even when that item
 * belongs to another unit). Never another place's plans: a group bound to one
 * county's office must not be handed a task of a plan that does not name it.
 */
function involving(hits: TaskHit[], unit: string | undefined, units: UnitDirectory): TaskHit[] {
  if (!unit) return hits;
  const mine = hits.filter((h) => unitInTask(h.task, unit, units) !== undefined);
  if (mine.length > 0) return mine;
  const named = new Map<PlanDocument, boolean>();
  const inPlan = (doc: PlanDocument) => {
    let v = named.get(doc);
    if (v === undefined) named.set(doc, (v = doc.tasks.some((t) => unitInTask(t, unit, units) !== undefined)));
    return v;
  };
  return hits.filter((h) => inPlan(h.doc));
}

function decide(hits: TaskHit[]): TaskResolution {
  if (hits.length === 0) return { kind: 'none' };
  if (hits.length === 1) return { kind: 'found', hit: hits[0]! };
  return { kind: 'ambiguous', candidates: hits.slice(0, MAX_CANDIDATES) };
}

export function findTask(plans: Plans, ref: string, opts: { unit?: string } = {}): TaskResolution {
  const q = ref.normalize('NFKC').trim();
  if (!q) return { kind: 'none' };
  const byId = taskById(plans, ref.trim());
  if (byId) return { kind: 'found', hit: byId };

  // A bare numbering path: exact items first, else the items under that heading.
  const num = findNumberRef(q);
  if (num && !q.replace(num.text, '').replace(/[\s、，,。.：:]+/gu, '')) {
    const exact: TaskHit[] = [];
    const child: TaskHit[] = [];
    for (const doc of plans.ledger.documents) {
      for (const task of doc.tasks) {
        const how = matchPath(num, task.path);
        if (how === 'exact') exact.push({ task, doc });
        else if (how === 'child') child.push({ task, doc });
      }
    }
    const pool = exact.length > 0 ? exact : child;
    if (pool.length > 0) return decide(involving(pool, opts.unit, plans.units));
  }

  // Keywords (and a path with words, e.g. a place narrowing the plan): the search index.
  // With a unit, look further down the ranking: its own tasks may rank below other plans' ones.
  const answers = plans.index.ask(q, opts.unit ? 60 : 8);
  const seen = new Set<string>();
  const hits: Array<TaskHit & { at: number }> = [];
  answers.forEach((a, i) => {
    if (seen.has(a.taskId)) return;
    seen.add(a.taskId);
    const hit = taskById(plans, a.taskId);
    if (hit) hits.push({ ...hit, at: i });
  });
  const pool = involving(hits, opts.unit, plans.units) as Array<TaskHit & { at: number }>;
  if (pool.length <= 1) return decide(pool.map(({ task, doc }) => ({ task, doc })));
  // The best answer stands alone unless the next one is about as good.
  const ranked = pool.map((h) => answers[h.at]!);
  if (!isAmbiguous(ranked)) return { kind: 'found', hit: { task: pool[0]!.task, doc: pool[0]!.doc } };
  return decide(pool.map(({ task, doc }) => ({ task, doc })));
}
