import type { Ledger, PlanDocument, RecurrenceRule, Task } from '../plan/schema.js';
import { joinPath, splitsByClause } from '../ledger/rows.js';
import { isGenericUnit } from '../reminders/targets.js';
import type { UnitResolver } from '../reminders/types.js';
import { planStart } from '../reminders/plan.js';

/**
 * Who answers for what: one assignment per (task, lead unit). Progress is
 * reported per (task, unit), so a unit leading two clauses of one item has one
 * assignment carrying both clauses' time limits. Leads naming a class of units
 * ("各有关单位") or no lead at all cannot report or be chased as one office;
 * those items are counted apart (`unassigned`), as the reminder plan sends
 * them to the supervisors instead. Pure.
 */

export interface DueDate {
  text: string;
  date: string;
}

export interface DueRule {
  text: string;
  rule: RecurrenceRule;
}

export interface Assignment {
  taskId: string;
  /** Canonical unit name (directory name when the directory knows it, else as first written). */
  unit: string;
  /** Spellings the plan uses for this unit on this task (progress may be filed under any). */
  written: string[];
  file: string;
  docTitle: string;
  /** Plan year and the day recurring duties start counting (issue date, else 1 January). */
  year: number;
  start: string;
  path: string[];
  /** Numbering as people cite it, e.g. "三（一）1". */
  seq: string;
  title: string;
  /** One-off deadlines, earliest first, no duplicate dates. */
  deadlines: DueDate[];
  recurring: DueRule[];
}

export interface UnassignedTask {
  taskId: string;
  file: string;
  seq: string;
  title: string;
  /** The class of units written as lead, or empty when none is written. */
  leads: string[];
}

export interface Assignments {
  list: Assignment[];
  unassigned: UnassignedTask[];
  /** Canonical unit names in first-seen plan order. */
  units: string[];
}

export function assignmentsOf(ledger: Ledger, resolveUnit: UnitResolver = () => undefined): Assignments {
  const memo = new Map<string, string>();
  const canonical = (name: string) => {
    let c = memo.get(name);
    if (c === undefined) {
      c = resolveUnit(name.trim()) ?? name.trim();
      memo.set(name, c);
    }
    return c;
  };
  const list: Assignment[] = [];
  const unassigned: UnassignedTask[] = [];
  const units: string[] = [];
  const seenUnits = new Set<string>();

  for (const doc of ledger.documents) {
    for (const task of doc.tasks) {
      const byUnit = new Map<string, Assignment>();
      const add = (written: string, deadlines: DueDate[], recurring: DueRule[]) => {
        const unit = canonical(written);
        let a = byUnit.get(unit);
        if (!a) {
          a = base(doc, task, unit);
          byUnit.set(unit, a);
        }
        if (!a.written.includes(written)) a.written.push(written);
        for (const d of deadlines) if (!a.deadlines.some((x) => x.date === d.date)) a.deadlines.push({ text: d.text, date: d.date });
        for (const r of recurring) if (!a.recurring.some((x) => x.rule === r.rule)) a.recurring.push({ text: r.text, rule: r.rule });
      };
      const named = (leads: readonly string[]) => leads.filter((l) => l.trim() && !isGenericUnit(l, task.genericUnits ?? []));

      if (splitsByClause(task)) {
        const limits = clauseLimits(task);
        task.clauses.forEach((clause, i) => {
          for (const lead of named(clause.leads)) add(lead, limits[i]!.deadlines, limits[i]!.recurring);
        });
      } else {
        const deadlines = [...task.deadlines, ...task.clauses.flatMap((c) => c.deadlines)];
        const recurring = [...task.recurring, ...task.clauses.flatMap((c) => c.recurring)];
        for (const lead of named(task.leads)) add(lead, deadlines, recurring);
      }

      if (byUnit.size === 0) {
        const leads = splitsByClause(task) ? task.clauses.flatMap((c) => c.leads) : task.leads;
        unassigned.push({ taskId: task.id, file: doc.file, seq: joinPath(task.path), title: task.title, leads: [...new Set(leads)] });
        continue;
      }
      for (const a of byUnit.values()) {
        a.deadlines.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
        list.push(a);
        if (!seenUnits.has(a.unit)) {
          seenUnits.add(a.unit);
          units.push(a.unit);
        }
      }
    }
  }
  return { list, unassigned, units };
}

function base(doc: PlanDocument, task: Task, unit: string): Assignment {
  return {
    taskId: task.id,
    unit,
    written: [],
    file: doc.file,
    docTitle: doc.title,
    year: doc.year,
    start: planStart(doc),
    path: task.path,
    seq: joinPath(task.path),
    title: task.title,
    deadlines: [],
    recurring: [],
  };
}

/**
 * Each clause's limits: its own, plus task-level limits whose phrase sits in
 * the clause; a task-level limit found in no clause applies to every clause
 * (the ledger rows place limits the same way).
 */
function clauseLimits(task: Task): Array<{ deadlines: DueDate[]; recurring: DueRule[] }> {
  const inClauses = (text: string) => task.clauses.filter((c) => c.text.includes(text)).length > 0;
  return task.clauses.map((c) => ({
    deadlines: [...c.deadlines, ...task.deadlines.filter((d) => c.text.includes(d.text) || !inClauses(d.text))],
    recurring: [...c.recurring, ...task.recurring.filter((r) => c.text.includes(r.text) || !inClauses(r.text))],
  }));
}
