import type { Deadline, Ledger, Recurring, Task } from '../plan/schema.js';
import { periodEnds } from '../reminders/plan.js';
import { foldTight } from '../search/fold.js';
import { UnitDirectory, type UnitEntry } from '../units/directory.js';
import { isGenericUnitName, keyString, unitKey } from '../units/normalize.js';

/**
 * Ledger questions that are not text search: what does a unit lead (任务 发改局),
 * what falls due in a window (截止 本月). Pure functions over a Ledger.
 */

export interface TaskRef {
  file: string;
  docTitle: string;
  path: string[];
  title: string;
  taskId: string;
  /** The clause's text when the unit is named on one clause of a multi-clause item. */
  clause?: string;
  deadlines: Array<Pick<Deadline, 'text' | 'date'>>;
  recurring: Recurring[];
  /** The unit as the plan writes it (县发改局), whatever the person typed. */
  unitAsWritten: string;
  /** Set on refs in `generic`: the class of units named ("各有关单位"). */
  generic?: boolean;
}

export type UnitTasks =
  | {
      /** The unit's canonical name (directory name, else as first written in the plans). */
      unit: string;
      lead: TaskRef[];
      co: TaskRef[];
      /** Items a class of units leads ("各有关单位", "各政务公开单位"): may include this unit; shown apart. */
      generic: TaskRef[];
    }
  | { unit: undefined; suggestions: string[]; ambiguous?: boolean };

/**
 * The units named in the plans, merged into the directory: a unit nobody has
 * put in units.yaml can still be asked about, and two spellings of one office
 * in the plans (县发改局, 县发展和改革局) become one entry. One pass over the
 * names keyed by normalised key and level (a class of units by its folded
 * text), first spelling the name, others its aliases; computed once per
 * loaded ledger and directory (neither is ever mutated).
 */
export function ledgerDirectory(ledger: Ledger, units: UnitDirectory): UnitDirectory {
  let byUnits = directories.get(ledger);
  if (!byUnits) directories.set(ledger, (byUnits = new WeakMap()));
  let dir = byUnits.get(units);
  if (!dir) byUnits.set(units, (dir = buildLedgerDirectory(ledger, units)));
  return dir;
}

const directories = new WeakMap<Ledger, WeakMap<UnitDirectory, UnitDirectory>>();

function buildLedgerDirectory(ledger: Ledger, units: UnitDirectory): UnitDirectory {
  const extra = new Map<string, UnitEntry>();
  const seen = new Set<string>();
  for (const doc of ledger.documents) {
    for (const t of doc.tasks) {
      for (const name of [...t.leads, ...t.co, ...t.clauses.flatMap((c) => [...c.leads, ...c.co])]) {
        // A spelling already placed changes nothing (first-seen order is what matters).
        if (seen.has(name)) continue;
        seen.add(name);
        if (units.entryOf(name)) continue;
        const key = isGenericUnitName(name) ? `generic|${foldTight(name)}` : keyString(unitKey(name));
        const same = extra.get(key);
        if (!same) extra.set(key, { name, aliases: [] });
        else if (foldTight(same.name) !== foldTight(name) && !same.aliases.includes(name)) same.aliases.push(name);
      }
    }
  }
  return UnitDirectory.fromEntries([...units.all(), ...extra.values()]);
}

export function tasksForUnit(ledger: Ledger, units: UnitDirectory, query: string, opts: { today?: string } = {}): UnitTasks {
  const dir = ledgerDirectory(ledger, units);
  const { unit, suggestions, ambiguous } = dir.resolve(query);
  if (!unit) return { unit: undefined, suggestions, ...(ambiguous ? { ambiguous } : {}) };
  const lead: TaskRef[] = [];
  const co: TaskRef[] = [];
  const generic: TaskRef[] = [];
  // A plan writes a few hundred names thousands of times: decide each spelling once.
  const denoted = new Map<string, boolean>();
  const denotes = (n: string) => {
    let v = denoted.get(n);
    if (v === undefined) denoted.set(n, (v = dir.denotes(unit, n)));
    return v;
  };
  for (const doc of ledger.documents) {
    for (const task of doc.tasks) {
      const base = { file: doc.file, docTitle: doc.title, path: task.path, title: task.title, taskId: task.id };
      const ref = (written: string, scope: { text?: string; deadlines: Deadline[]; recurring: Recurring[] }, isGeneric = false): TaskRef => ({
        ...base,
        ...(scope.text !== undefined ? { clause: scope.text } : {}),
        deadlines: scope.deadlines.map((d) => ({ text: d.text, date: d.date })),
        recurring: scope.recurring.map((r) => ({ text: r.text, rule: r.rule })),
        unitAsWritten: written,
        ...(isGeneric ? { generic: true } : {}),
      });
      const itemScope = { deadlines: task.deadlines, recurring: task.recurring };
      const find = (names: string[]) => names.find(denotes);
      const findGeneric = (names: string[]) => names.find((n) => isGenericUnitName(n) || task.genericUnits.includes(n));
      if (task.clauses.length >= 2) {
        // Clause-level: the unit leads only the clauses that name it.
        let named = false;
        for (const c of task.clauses) {
          const scope = clauseScope(task, c);
          const w = find(c.leads);
          if (w) {
            lead.push(ref(w, scope));
            named = true;
          } else if (find(c.co)) {
            co.push(ref(find(c.co)!, scope));
            named = true;
          }
        }
        if (!named) {
          const w = find(task.co);
          if (w) co.push(ref(w, itemScope));
          else {
            const g = task.clauses.map((c) => findGeneric(c.leads)).find(Boolean);
            if (g) generic.push(ref(g, itemScope, true));
          }
        }
        continue;
      }
      const wl = find(task.leads);
      const wc = find(task.co);
      if (wl) lead.push(ref(wl, itemScope));
      else if (wc) co.push(ref(wc, itemScope));
      else {
        const g = findGeneric(task.leads);
        if (g) generic.push(ref(g, itemScope, true));
      }
    }
  }
  // A class of units ("各有关单位") can only include this unit in plans that name the unit somewhere;
  // and a class asked about by name has no wider class to list.
  const named = new Set([...lead, ...co].map((r) => r.file));
  const relevant = isGenericUnitName(unit.name) ? [] : generic.filter((r) => named.has(r.file));
  const byDeadline = sortByDeadline(opts.today);
  return { unit: unit.name, lead: byDeadline(lead), co: byDeadline(co), generic: byDeadline(relevant) };
}

/** A clause's own time limits, else the item's limits whose phrase sits in the clause. */
function clauseScope(task: Task, c: Task['clauses'][number]): { text: string; deadlines: Deadline[]; recurring: Recurring[] } {
  const text = foldTight(c.text);
  const inside = (t: string) => text.includes(foldTight(t));
  return {
    text: c.text,
    deadlines: c.deadlines.length > 0 ? c.deadlines : task.deadlines.filter((d) => inside(d.text)),
    recurring: c.recurring.length > 0 ? c.recurring : task.recurring.filter((r) => inside(r.text)),
  };
}

/** Nearest deadline first (from `today` on when given, then past ones), items without a date last in plan order. */
function sortByDeadline(today?: string): (refs: TaskRef[]) => TaskRef[] {
  const key = (r: TaskRef): [number, string] => {
    const dates = r.deadlines.map((d) => d.date).sort();
    if (dates.length === 0) return [2, ''];
    if (!today) return [0, dates[0]!];
    const next = dates.find((d) => d >= today);
    return next ? [0, next] : [1, dates.at(-1)!];
  };
  return (refs) =>
    refs
      .map((r, i) => ({ r, i, k: key(r) }))
      .sort((a, b) => a.k[0] - b.k[0] || (a.k[0] === 1 ? b.k[1].localeCompare(a.k[1]) : a.k[1].localeCompare(b.k[1])) || a.i - b.i)
      .map((x) => x.r);
}

export interface DueItem {
  date: string;
  kind: 'deadline' | 'recurring';
  /** The phrase as written ("7月底前", "每季度"). */
  text: string;
  rule?: Recurring['rule'];
  file: string;
  docTitle: string;
  taskId: string;
  path: string[];
  title: string;
  /** Who answers for it: the clause's leads, else the item's, else the implied units. */
  leads: string[];
  leadSource: 'explicit' | 'implied' | 'none';
}

/**
 * Everything due in [from, to] (YYYY-MM-DD, inclusive), by date: stated
 * deadlines, and recurring duties at their period ends in the plan year
 * (monthly: month ends; quarterly: quarter ends; semiannual: 6-30, 12-31;
 * annual: 12-31; weekly: Fridays, as the reminder plan schedules them).
 */
export function dueBetween(ledger: Ledger, from: string, to: string): DueItem[] {
  const out: DueItem[] = [];
  for (const doc of ledger.documents) {
    for (const task of doc.tasks) {
      const base = { file: doc.file, docTitle: doc.title, taskId: task.id, path: task.path, title: task.title };
      const seen = new Set<string>();
      const scopes = [
        ...task.clauses.map((c) => ({ leads: c.leads, ...clauseScope(task, c) })),
        { leads: task.leads, deadlines: task.deadlines, recurring: task.recurring },
      ];
      for (const scope of scopes) {
        const [leads, leadSource] = whoLeads(task, scope.leads);
        for (const d of scope.deadlines) {
          const key = `d|${d.text}|${d.date}`;
          if (seen.has(key)) continue;
          seen.add(key);
          if (d.date >= from && d.date <= to) out.push({ ...base, date: d.date, kind: 'deadline', text: d.text, leads, leadSource });
        }
        for (const r of scope.recurring) {
          const key = `r|${r.text}|${r.rule}`;
          if (seen.has(key) || !doc.year) continue;
          seen.add(key);
          for (const end of periodEnds(r.rule, doc.year, `${doc.year}-01-01`)) {
            if (end >= from && end <= to) out.push({ ...base, date: end, kind: 'recurring', text: r.text, rule: r.rule, leads, leadSource });
          }
        }
      }
    }
  }
  // Same day: plan order (documents as loaded, items as written). Array.prototype.sort is stable.
  return out.sort((a, b) => a.date.localeCompare(b.date));
}

function whoLeads(task: Task, own: string[]): [string[], DueItem['leadSource']] {
  if (own.length > 0) return [own, 'explicit'];
  if (task.leads.length > 0) return [task.leads, 'explicit'];
  if (task.impliedLeads.length > 0) return [task.impliedLeads, 'implied'];
  return [[], 'none'];
}
